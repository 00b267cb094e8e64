"""The 2014 paper's MNIST/TFD networks (Goodfellow et al., pylearn2 code).

G: z -> ReLU MLP -> sigmoid pixels in [0, 1]. D: maxout MLP -> one logit, with
dropout (keep 0.8 on the input, 0.5 on hidden layers; inverted scaling as in
pylearn2's include_probs/scales). Weights start from U(-irange, irange) with
the paper's ranges (0.05 for G, 0.005 for D) and zero biases.
"""
from collections.abc import Callable, Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp
import ml_collections

from gan_jax.models.layers import spectral_norm
from gan_jax.models.spec import DENSE_MODELS, GanModels, MODELS


def _uniform(irange: float):
  def init(key, shape, dtype=jnp.float32):
    return jax.random.uniform(key, shape, dtype, -irange, irange)
  return init


class Maxout(nn.Module):
  """Max over `pieces` affine maps: a learned convex piecewise-linear unit."""
  units: int
  pieces: int
  kernel_init: Callable
  bias_init: Callable = nn.initializers.zeros_init()
  spectral_norm: bool = False

  @nn.compact
  def __call__(self, x: jax.Array, *, train: bool = False) -> jax.Array:
    dense = nn.Dense(self.units * self.pieces, kernel_init=self.kernel_init,
                     bias_init=self.bias_init)
    y = spectral_norm(dense, self.spectral_norm, train)(x)
    return y.reshape(*x.shape[:-1], self.units, self.pieces).max(-1)


class Generator(nn.Module):
  image_shape: tuple[int, int, int]
  hidden: Sequence[int] = (1200, 1200)
  irange: float = 0.05

  @nn.compact
  def __call__(self, z: jax.Array, *, train: bool) -> jax.Array:
    del train  # no dropout or batch norm in the paper's G
    x = z
    for width in self.hidden:
      x = nn.relu(nn.Dense(width, kernel_init=_uniform(self.irange))(x))
    size = self.image_shape[0] * self.image_shape[1] * self.image_shape[2]
    x = nn.Dense(size, kernel_init=_uniform(self.irange))(x)
    return jax.nn.sigmoid(x).reshape(z.shape[0], *self.image_shape)


class Discriminator(nn.Module):
  units: int = 240
  pieces: int = 5
  layers: int = 2
  input_dropout: float = 0.2
  hidden_dropout: float = 0.5
  irange: float = 0.005
  spectral_norm: bool = False

  @nn.compact
  def __call__(self, x: jax.Array, *, train: bool) -> jax.Array:
    x = x.reshape(x.shape[0], -1)
    x = nn.Dropout(self.input_dropout, deterministic=not train)(x)
    for _ in range(self.layers):
      x = Maxout(self.units, self.pieces, _uniform(self.irange),
                 spectral_norm=self.spectral_norm)(x, train=train)
      x = nn.Dropout(self.hidden_dropout, deterministic=not train)(x)
    out = nn.Dense(1, kernel_init=_uniform(self.irange))
    return spectral_norm(out, self.spectral_norm, train)(x)[:, 0]


@MODELS.register('maxout_mlp')
def build(config: ml_collections.ConfigDict,
          image_shape: tuple[int, int, int]) -> GanModels:
  return GanModels(
      Generator(tuple(image_shape), tuple(config.g_hidden), config.g_irange),
      Discriminator(config.d_units, config.d_pieces, config.d_layers,
                    config.d_input_dropout, config.d_hidden_dropout,
                    config.d_irange, config.spectral_norm),
      (0.0, 1.0), config.z_dim, config.z_dist)


DENSE_MODELS.add('maxout_mlp')
