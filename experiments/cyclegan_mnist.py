"""CycleGAN (Zhu et al. 2017) between MNIST and thick, inverted MNIST.

Domain A is MNIST, domain B MNIST dilated 3x3 and colour-inverted, each from
its own half of the training set ('mnist_unpaired', gan_jax/data/domains.py),
so no translation pair exists to learn from. Two ResNet translators and two
PatchGAN critics (models/cyclegan.py), the least-squares objective, cycle
weight lambda = 10 and Adam 2e-4 / beta1 0.5, as in the paper; G, then D on
the same fakes, as the reference code orders them ('simultaneous'); batch
32 (the paper's is 1) and narrow full-resolution translators (16 filters,
3 residual blocks), small for CPU. Width matters more than length here: at
width 8 with 2 blocks, 4,000 steps kept only 57% of B->A labels; this
config keeps 98.9% by step 1,500 (benchmarks/RESULTS.md).

  python -m gan_jax.main --config=experiments/cyclegan_mnist.py \
      --workdir=runs/cyclegan
  python benchmarks/cyclegan_labels.py --workdir=runs/cyclegan
"""
from gan_jax import configs


def get_config(arg=None):
  arg = configs.parse_arg(arg, width=16, blocks=3, steps=6_000,
                          cycle_weight=10.0, identity_weight=0.0)
  config = configs.base_config()
  config.data.name = 'mnist_unpaired'
  config.model.name = 'cyclegan'
  config.model.width = arg.width
  config.model.blocks = arg.blocks
  config.loss.name = 'least_squares'
  config.loss.cycle_weight = arg.cycle_weight
  config.loss.identity_weight = arg.identity_weight
  config.train.update_scheme = 'simultaneous'  # the reference code's order
  config.train.batch_size = 32
  config.train.num_steps = arg.steps
  config.train.num_samples = 12      # columns of the translation sheet
  config.train.sample_every = 500
  config.train.checkpoint_every = 500
  return config
