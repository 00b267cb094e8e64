"""What every architecture hands to the trainer.

The trainer never imports a concrete architecture: it asks the `MODELS`
registry for a `GanModels`, whose modules follow two small contracts:
  generator(z, train=...)      -> images in `value_range`, shape [B, H, W, C]
  discriminator(x, train=...)  -> logits, shape [B]
Modules may use the 'batch_stats' collection and the 'dropout' RNG stream.
"""
from collections.abc import Callable
from typing import NamedTuple

import flax.linen as nn
import jax
import jax.numpy as jnp
import ml_collections

from gan_jax.errors import ConfigError
from gan_jax.registry import Registry


class GanModels(NamedTuple):
  generator: nn.Module
  discriminator: nn.Module
  value_range: tuple[float, float]  # pixel range of G's output and of the data
  z_dim: int
  z_dist: str


ModelBuilder = Callable[[ml_collections.ConfigDict, tuple[int, int, int]],
                        GanModels]
MODELS: Registry[ModelBuilder] = Registry('model')

_NOISE = {
    'normal': lambda key, shape: jax.random.normal(key, shape),
    # Unit variance, as in the 2014 paper's code: U(-sqrt 3, sqrt 3).
    'uniform': lambda key, shape: jax.random.uniform(
        key, shape, minval=-jnp.sqrt(3.0), maxval=jnp.sqrt(3.0)),
}


def check_noise(name: str) -> str:
  if name not in _NOISE:
    raise ConfigError(f'unknown model.z_dist {name!r}; choose one of: '
                      f'{", ".join(sorted(_NOISE))}')
  return name


def sample_noise(models: GanModels, key: jax.Array, batch: int) -> jax.Array:
  return _NOISE[models.z_dist](key, (batch, models.z_dim))


def build_models(config: ml_collections.ConfigDict,
                 image_shape: tuple[int, int, int]) -> GanModels:
  """Builds the architecture named by `config.name` for images of this shape."""
  check_noise(config.z_dist)
  return MODELS.get(config.name)(config, image_shape)
