"""DCGAN (Radford et al. 2015) on MNIST or Fashion-MNIST, 28x28.

Adam 2e-4 / beta1 0.5, batch 128, N(0, 0.02) init, batch norm, ReLU in G,
LeakyReLU(0.2) in D, tanh output with data scaled to [-1, 1], the
non-saturating G loss. `lr`, `b2`, `batch` and `fc` (model.fc_width: a
fully connected layer of that many units in G and D; gan_jax/models/dcgan.py)
depart from the paper's recipe, for benchmarks/time_to_fid.py's search for
the fastest one.

  python -m gan_jax.main --config=experiments/dcgan.py --workdir=/tmp/dcgan
  python -m gan_jax.main --config=experiments/dcgan.py:data=fashion_mnist,width=32,steps=5000 ...
"""
from gan_jax import configs


def get_config(arg=None):
  arg = configs.parse_arg(arg, data='mnist', width=64, steps=10_000,
                          lr=2e-4, b2=0.999, batch=128, fc=0)
  config = configs.base_config()
  config.data.name = arg.data
  config.model.name = 'dcgan'
  config.model.width = arg.width
  config.model.fc_width = arg.fc
  configs.set_adams_and_r1(config, arg.lr, 0.5, b2=arg.b2)
  config.train.batch_size = arg.batch
  config.train.ema_decay = 0.999
  config.train.num_steps = arg.steps
  return config
