"""DCGAN and PacDCGAN-m on Stacked MNIST (1,000 modes; VEEGAN, PacGAN).

experiments/dcgan.py's model and recipe on 28x28x3 digit triples; `pack=m`
packs D's input (PacGAN's PacDCGAN), with m times the batch so that D still
sees 128 packs per step. benchmarks/stacked_mnist.py scores it.

  python -m gan_jax.main --config=experiments/stacked_mnist.py:pack=2 --workdir=/tmp/stacked
"""
from gan_jax import configs


def get_config(arg=None):
  arg = configs.parse_arg(arg, pack=1, width=64, steps=20_000)
  config = configs.base_config()
  config.data.name = 'stacked_mnist'
  config.model.name = 'dcgan'
  config.model.width = arg.width
  config.model.pack = arg.pack
  config.train.batch_size = 128 * arg.pack
  config.train.ema_decay = 0.999
  config.train.num_steps = arg.steps
  return config
