"""Samples from the EMA generator, in batches, in the data's own form.

Images come back as uint8 in the data's pixel scale; points of vector data
(value_range None) as the float32 G emits.

One jitted function per run serves the sample sheets, periodic evaluation
and the sample/evaluate/figures tools, so they all draw images the same way:
G in inference mode (running batch-norm statistics) with the EMA weights.
"""
import jax
import numpy as np

from gan_jax import images
from gan_jax.models import balanced_labels
from gan_jax.train_state import TrainState
from gan_jax.train_step import Gan, apply_model


class Sampler:
  """sampler(state, z[, labels]) -> uint8 [N, H, W, C], or float32 [N, D].

  A class-conditional G draws the classes given, or by default every class
  equally (`models.balanced_labels`).
  """

  def __init__(self, gan: Gan, batch_size: int = 500):
    self._models = gan.models
    self._batch_size = batch_size

    @jax.jit
    def draw(state: TrainState, z: jax.Array,
             labels: jax.Array | None) -> jax.Array:
      # A grown G draws at the level it was last trained at (final if the
      # state does not say).
      level = (state.extra.get('level') if gan.models.growth is not None
               else None)
      out, _ = apply_model(gan.models.generator, state.g_ema, state.g_stats, z,
                           labels, train=False, level=level)
      return out
    self._draw = draw

  def __call__(self, state: TrainState, z: jax.Array,
               labels: jax.Array | None = None) -> np.ndarray:
    if labels is None:
      labels = balanced_labels(self._models, len(z))
    chunk = lambda x, i: None if x is None else x[i:i + self._batch_size]
    pieces = [np.asarray(self._draw(state, chunk(z, i), chunk(labels, i)))
              for i in range(0, len(z), self._batch_size)]
    out = np.concatenate(pieces)
    if self._models.value_range is None:
      return out
    return images.to_uint8(out, self._models.value_range)
