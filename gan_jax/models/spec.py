"""What every architecture hands to the trainer.

The trainer never imports a concrete architecture: it asks the `MODELS`
registry for a `GanModels`, whose modules follow two small contracts:
  generator(z, train=...)      -> images in `value_range`, shape [B, H, W, C],
                                  or, for vector data, points [B, D]
  discriminator(x, train=...)  -> logits, shape [B / pack]
Progressively grown models (`growth` set) also take `level=` (a float32
scalar; see models/growth.py).
Modules may use the 'batch_stats' collection and the 'dropout' RNG stream.
Class-conditional models (`num_classes` > 0, Mirza & Osindero 2014) take
the class as a second argument: generator(z, labels), discriminator(x,
labels), with labels int32 [B].
`config.pack` = m > 1 wraps any D in PacGAN packing (models/packing.py).
Translation models (`translation`, CycleGAN) take no noise: G maps a data
batch to another batch of the same shape (models/cyclegan.py).
"""
from collections.abc import Callable
from typing import NamedTuple

import flax.linen as nn
import jax
import jax.numpy as jnp
import ml_collections

from gan_jax.errors import ConfigError
from gan_jax.models.growth import Growth
from gan_jax.models.packing import Packed
from gan_jax.registry import Registry


class GanModels(NamedTuple):
  generator: nn.Module
  discriminator: nn.Module
  # Pixel range of G's output and of the data; None for real-valued vectors.
  value_range: tuple[float, float] | None
  z_dim: int
  z_dist: str
  pack: int = 1  # D reads samples in packs of this many (PacGAN)
  num_classes: int = 0  # > 0: G and D are conditioned on the class
  # InfoGAN (categorical, continuous) codes appended to z; D then returns
  # (logits, Q's outputs) and the step adds the mutual-information term.
  info_codes: tuple[int, int] = (0, 0)
  # G translates data batches instead of drawing from noise (CycleGAN); the
  # loop then runs cyclegan_step and draws translation sheets.
  translation: bool = False
  # Progressive growing: the level schedule and the reals' fade; G and D
  # then take `level=`, and the state records it in `extra`.
  growth: Growth | None = None


def balanced_labels(models: GanModels, n: int) -> jax.Array | None:
  """Classes for n samples to score: every class equally, interleaved
  (0, 1, ..., C-1, 0, 1, ...), so any contiguous slice, such as one of the
  Inception Score's splits, holds all classes. None if unconditional."""
  if not models.num_classes:
    return None
  return jnp.arange(n, dtype=jnp.int32) % models.num_classes


def sheet_labels(models: GanModels, n: int) -> jax.Array | None:
  """Classes for a sample sheet: in blocks, so row i of a CxC sheet is
  class i. None if unconditional."""
  if not models.num_classes:
    return None
  return (jnp.arange(n) * models.num_classes // n).astype(jnp.int32)


ModelBuilder = Callable[[ml_collections.ConfigDict, tuple[int, int, int]],
                        GanModels]
MODELS: Registry[ModelBuilder] = Registry('model')
# Models for vector data [N, D] (toy datasets); the rest take images.
VECTOR_MODELS: set[str] = set()
# Models of dense layers only, no convolutions (population.loop reads it).
DENSE_MODELS: set[str] = set()
# Models whose G translates data (GanModels.translation), not noise.
TRANSLATION_MODELS: set[str] = set()

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
  """G's input: z_dim noise, then InfoGAN's codes if the model has any:
  one-hot(c ~ Cat(K)) and c' ~ U(-1, 1)^L (Chen et al. 2016, MNIST)."""
  categorical, continuous = models.info_codes
  noise_key, cat_key, cont_key = jax.random.split(key, 3)
  z = _NOISE[models.z_dist](noise_key if categorical + continuous else key,
                            (batch, models.z_dim))
  if not categorical + continuous:
    return z
  cat = jax.nn.one_hot(jax.random.randint(cat_key, (batch,), 0, categorical),
                       categorical)
  cont = jax.random.uniform(cont_key, (batch, continuous), minval=-1.0,
                            maxval=1.0)
  return jnp.concatenate([z, cat, cont], axis=-1)


def set_codes(models: GanModels, z: jax.Array, category: jax.Array | None = None,
              continuous: jax.Array | None = None) -> jax.Array:
  """z with InfoGAN's categorical code set to `category` ([N] ints) and/or
  its continuous codes to `continuous` ([N, L]), for figures and scores."""
  categorical, num_continuous = models.info_codes
  start = z.shape[1] - categorical - num_continuous
  if category is not None:
    z = z.at[:, start:start + categorical].set(
        jax.nn.one_hot(category, categorical))
  if continuous is not None:
    z = z.at[:, start + categorical:].set(continuous)
  return z


def build_models(config: ml_collections.ConfigDict,
                 data_shape: tuple[int, ...]) -> GanModels:
  """Builds the architecture named by `config.name` for data of this shape."""
  check_noise(config.z_dist)
  builder = MODELS.get(config.name)
  for_vectors = config.name in VECTOR_MODELS
  if for_vectors != (len(data_shape) == 1):
    kind = 'vector' if for_vectors else 'image'
    raise ConfigError(
        f'model {config.name!r} is for {kind} data, but the dataset has '
        f'examples of shape {tuple(data_shape)}; vector models: '
        f'{", ".join(sorted(VECTOR_MODELS))}')
  models = builder(config, data_shape)
  if config.get('num_classes', 0) and not models.num_classes:
    raise ConfigError(f'model {config.name!r} has no class-conditional form; '
                      'set model.num_classes=0 or use model.name=dcgan')
  m = config.get('pack', 1)
  if m == 1:
    return models
  if models.num_classes:
    raise ConfigError('model.pack > 1 does not combine with class-conditional '
                      f'models ({config.name!r}); set model.pack=1')
  if any(models.info_codes):
    # Q shares D's body, which sees a whole pack: it cannot recover each
    # sample's codes (this crashed inside the step before it was checked).
    raise ConfigError('model.pack > 1 does not combine with InfoGAN codes '
                      f'(model.info_codes={tuple(config.info_codes)}): Q reads '
                      'one sample at a time; set model.pack=1')
  return models._replace(discriminator=Packed(models.discriminator, m), pack=m)
