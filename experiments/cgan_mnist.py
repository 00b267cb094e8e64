"""Conditional GAN (Mirza & Osindero 2014) on MNIST, in DCGAN form.

G reads [z, one-hot(y)] and D reads the image with one-hot(y) appended as
channels; the fakes D sees are drawn for the classes of the real batch. The
sample sheets have row i = digit i, and evaluation adds `class_acc`: how
often the project's MNIST classifier labels a sample as the class it was
drawn for (the goal is >= 95%).

  python -m gan_jax.main --config=experiments/cgan_mnist.py --workdir=runs/cgan
  python -m gan_jax.main --config=experiments/cgan_mnist.py:steps=2000,width=32 ...
"""
from gan_jax import configs


def get_config(arg=None):
  arg = configs.parse_arg(arg, data='mnist', width=64, steps=5_000, fc=0)
  config = configs.base_config()
  config.data.name = arg.data
  config.model.name = 'dcgan'
  config.model.width = arg.width
  config.model.fc_width = arg.fc  # model.fc_width (gan_jax/models/dcgan.py)
  config.model.num_classes = 10
  config.train.ema_decay = 0.999
  config.train.num_steps = arg.steps
  config.train.num_samples = 100   # a 10x10 sheet: row i = class i
  config.eval.metrics = 'fid,is,class_acc'
  return config
