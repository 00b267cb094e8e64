"""MLPs for vector data: PacGAN's networks for the 2-D mixtures.

From Lin et al. 2018 (PacGAN), whose synthetic experiments follow VEEGAN's
(Srivastava et al. 2017), as in fjxmlzn/PacGAN's 2DRing/2DGrid code: G maps
2-d N(0, I) noise through 4 hidden layers of 400 ReLU units, each with batch
norm (and no bias, which batch norm makes redundant), to a linear output; D
is 3 LinearMaxout layers of 200 units with 5 pieces and a linear logit.
Weights start from N(0, 0.02), biases from 0. The widths and depths are
config fields (`model.g_hidden`, `model.d_units`, `model.d_pieces`,
`model.d_layers`), so the 1-D lab uses the same model, smaller.

`model.bias_std` > 0 draws biases from N(0, bias_std). With zero biases every
unit of the first layer bends at x = 0, so on 1-D data away from 0 the whole
D starts linear: it can only compare means, and once G matches the mean the
game stalls at D = 1/2. Random biases spread the bends over the data.
"""
from collections.abc import Sequence

import flax.linen as nn
import jax
import ml_collections

from gan_jax.models.maxout_mlp import Maxout
from gan_jax.models.spec import (DENSE_MODELS, GanModels, MODELS,
                                 VECTOR_MODELS)


def _bias_init(std: float):
  return nn.initializers.normal(std) if std else nn.initializers.zeros_init()


class Generator(nn.Module):
  dim: int
  hidden: Sequence[int] = (400, 400, 400, 400)
  batch_norm: bool = True
  init_std: float = 0.02
  bias_std: float = 0.0

  @nn.compact
  def __call__(self, z: jax.Array, *, train: bool) -> jax.Array:
    init = nn.initializers.normal(self.init_std)
    x = z
    for width in self.hidden:
      x = nn.Dense(width, use_bias=not self.batch_norm, kernel_init=init,
                   bias_init=_bias_init(self.bias_std))(x)
      if self.batch_norm:
        # Blocks' BatchNormalization, as the paper's code ran it: population
        # statistics updated by 5% per step, epsilon 1e-4.
        x = nn.BatchNorm(use_running_average=not train, momentum=0.95,
                         epsilon=1e-4)(x)
      x = nn.relu(x)
    return nn.Dense(self.dim, kernel_init=init)(x)


class Discriminator(nn.Module):
  units: int = 200
  pieces: int = 5
  layers: int = 3
  init_std: float = 0.02
  bias_std: float = 0.0

  @nn.compact
  def __call__(self, x: jax.Array, *, train: bool) -> jax.Array:
    del train  # no dropout or batch norm in PacGAN's D
    init = nn.initializers.normal(self.init_std)
    x = x.reshape(x.shape[0], -1)
    for _ in range(self.layers):
      x = Maxout(self.units, self.pieces, init, _bias_init(self.bias_std))(x)
    return nn.Dense(1, kernel_init=init)(x)[:, 0]


@MODELS.register('mlp')
def build(config: ml_collections.ConfigDict,
          data_shape: tuple[int, ...]) -> GanModels:
  return GanModels(
      Generator(data_shape[0], tuple(config.g_hidden), config.g_batch_norm,
                config.init_std, config.bias_std),
      Discriminator(config.d_units, config.d_pieces, config.d_layers,
                    config.init_std, config.bias_std),
      None, config.z_dim, config.z_dist)


VECTOR_MODELS.add('mlp')
DENSE_MODELS.add('mlp')
