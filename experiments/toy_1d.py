"""The 1-D lab: uniform noise through an MLP onto a 1-D Gaussian or mixture.

Goodfellow et al.'s (2014) Figure 1 as an experiment: 1-d noise U(-sqrt3,
sqrt3) into a small ReLU MLP G (no batch norm, so G is a plain function of
z and its learned map can be compared with the inverse CDF); a small maxout
D; the non-saturating loss; Adam. benchmarks/toy_1d.py reads the results.

  python -m gan_jax.main --config=experiments/toy_1d.py:data=mixture1d --workdir=/tmp/toy1d
"""
from gan_jax import configs


def get_config(arg=None):
  arg = configs.parse_arg(arg, data='gauss1d', steps=3000, lr=1e-3, width=32,
                          pack=1, init_std=0.3, bias_std=2.0)
  config = configs.base_config()
  config.data.name = arg.data
  config.model.name = 'mlp'
  config.model.z_dim = 1
  config.model.z_dist = 'uniform'
  config.model.pack = arg.pack
  config.model.g_hidden = (arg.width, arg.width)
  config.model.g_batch_norm = False
  config.model.d_units = arg.width
  config.model.d_pieces = 5
  config.model.d_layers = 2
  config.model.init_std = arg.init_std
  config.model.bias_std = arg.bias_std  # spread the bends (see models/mlp.py)
  config.optim.g = configs.adam(arg.lr, b1=0.5)
  config.optim.d = configs.adam(arg.lr, b1=0.5)
  config.train.batch_size = 256
  config.train.num_steps = arg.steps
  config.train.num_samples = 2000  # points in each histogram sheet
  config.train.log_every = 500
  config.train.sample_every = 1000
  return config
