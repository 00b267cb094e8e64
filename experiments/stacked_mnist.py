"""DCGAN and PacDCGAN-m on Stacked MNIST (1,000 modes; VEEGAN, PacGAN).

experiments/dcgan.py's model and recipe on 28x28x3 digit triples; `pack=m`
packs D's input (PacGAN's PacDCGAN), with m times the batch so that D still
sees 128 packs per step. benchmarks/stacked_mnist.py scores it. The other
arguments depart from DCGAN's recipe, to search for one that covers the
modes evenly: `lr` (both Adams), `anneal` (cosine to 0 over the run),
`d_steps` (D updates per G update), `r1` (> 0: Mescheder et al.'s R1
penalty with that gamma), `sn` (spectral norm in D), `ema` (G's EMA decay),
`fc` (model.fc_width: InfoGAN's fully connected layer in G and D).

  python -m gan_jax.main --config=experiments/stacked_mnist.py:pack=2 --workdir=/tmp/stacked

The recipe that meets the goal (all 1,000 modes, KL 0.039 <= 0.05;
README, "Mode coverage"):

  python -m gan_jax.main --config=experiments/stacked_mnist.py:width=32,fc=1024,lr=5e-4,steps=8000,anneal=True --workdir=/tmp/stacked
"""
from gan_jax import configs


def get_config(arg=None):
  arg = configs.parse_arg(arg, pack=1, width=64, steps=20_000, lr=2e-4,
                          anneal=False, d_steps=1, r1=0.0, sn=False,
                          ema=0.999, fc=0)
  config = configs.base_config()
  config.data.name = 'stacked_mnist'
  config.model.name = 'dcgan'
  config.model.width = arg.width
  config.model.fc_width = arg.fc
  config.model.pack = arg.pack
  config.model.spectral_norm = arg.sn
  configs.set_adams_and_r1(config, arg.lr, 0.5, arg.steps, arg.anneal,
                           arg.r1)
  config.train.batch_size = 128 * arg.pack
  config.train.d_steps = arg.d_steps
  config.train.ema_decay = arg.ema
  config.train.num_steps = arg.steps
  return config
