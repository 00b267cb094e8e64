"""InfoGAN (Chen et al. 2016) on MNIST.

G's input is 62-d U(-1, 1) noise, a 10-way categorical code and 2 U(-1, 1)
continuous codes; D's body (DCGAN's, as in the paper's MNIST network) also
feeds a Q head that predicts the codes of a fake, and both G and D/Q
minimise lambda times the mutual-information bound (`loss.info_weight`).
Adam 2e-4 (G 1e-3 in the paper) / beta1 0.5, batch 64 in the paper (128 here).
The paper's nets also have a 1,024-unit fully connected layer in G and D,
which the default leaves out; `fc=1024` adds it (model.fc_width).

  python -m gan_jax.main --config=experiments/infogan_mnist.py --workdir=runs/infogan
  python benchmarks/infogan_codes.py --workdir=runs/infogan   # code accuracy
"""
from gan_jax import configs


def get_config(arg=None):
  arg = configs.parse_arg(arg, width=64, steps=5_000, fc=0)
  config = configs.base_config()
  config.data.name = 'mnist'
  config.model.name = 'dcgan'
  config.model.width = arg.width
  config.model.fc_width = arg.fc  # model.fc_width (gan_jax/models/dcgan.py)
  config.model.z_dim = 62
  config.model.z_dist = 'uniform'
  config.model.info_codes = (10, 2)
  config.optim.g = configs.adam(1e-3, b1=0.5)
  config.train.ema_decay = 0.999
  config.train.num_steps = arg.steps
  config.train.num_samples = 100
  return config
