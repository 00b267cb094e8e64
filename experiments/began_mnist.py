"""BEGAN (Berthelot et al. 2017) on MNIST.

An autoencoder D (model `began`) and the equilibrium objective (loss
`began`) with the paper's gamma = 0.5 and lambda_k = 0.001, k_0 = 0, Adam
1e-4 (beta1 0.5, as the paper's code), 64-d U(-sqrt 3, sqrt 3) noise, a
64-unit bottleneck and n = 64 filters (`:width=` to shrink it). The paper
used batch 16 on CelebA; 64 here. Every log line carries k_t and the
convergence measure M_global = L(x) + |gamma L(x) - L(G(z))|.

  python -m gan_jax.main --config=experiments/began_mnist.py --workdir=runs/began
"""
from gan_jax import configs


def get_config(arg=None):
  arg = configs.parse_arg(arg, width=64, steps=5_000, gamma=0.5)
  config = configs.base_config()
  config.data.name = 'mnist'
  config.model.name = 'began'
  config.model.width = arg.width
  config.model.embedding = 64
  config.model.z_dim = 64
  config.model.z_dist = 'uniform'
  config.loss.name = 'began'
  config.loss.began_gamma = arg.gamma
  config.optim.g = configs.adam(1e-4, b1=0.5)
  config.optim.d = configs.adam(1e-4, b1=0.5)
  config.train.batch_size = 64
  config.train.num_steps = arg.steps
  config.train.num_samples = 100
  return config
