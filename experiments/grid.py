"""PacGAN's 2-D grid (Lin et al. 2018): 25 Gaussians at {-4..4 step 2}^2.

G 4x400 ReLU + batch norm, D 3x200 maxout-5, Adam 1e-4 / beta1 0.8, 100
packs of `pack` samples per batch (see configs.pacgan2018). The paper trains
400,000 updates; `steps` and `lr` let a CPU run a shorter schedule,
`anneal=True` cosine-anneals both rates to 0 over it, `g_width`,
`g_depth`, `d_units` size the networks, `d_steps` sets D's updates per
G update and `r1` > 0 adds an R1 penalty on D with that gamma.

  python -m gan_jax.main --config=experiments/grid.py:pack=4 --workdir=/tmp/grid
  python -m gan_jax.main --config=experiments/grid.py:pack=4,steps=10000,lr=1e-3,anneal=True ...

The recipe that meets the mode-coverage goal (25 modes, 95.3% HQ, KL 0.012
over 5 seeds; README, "Mode coverage"):

  python -m gan_jax.main --config=experiments/grid.py:pack=4,steps=50000,lr=5e-4,anneal=True,g_width=128,g_depth=5,d_units=128,d_steps=5,r1=0.1 --workdir=/tmp/grid
"""
from gan_jax import configs


def get_config(arg=None):
  return configs.pacgan2018_experiment('grid', arg)
