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
from gan_jax.train_state import TrainState
from gan_jax.train_step import Gan, apply_model


class Sampler:
  """sampler(state, z) -> uint8 [N, H, W, C], or float32 points [N, D]."""

  def __init__(self, gan: Gan, batch_size: int = 500):
    self._value_range = gan.models.value_range
    self._batch_size = batch_size

    @jax.jit
    def draw(state: TrainState, z: jax.Array) -> jax.Array:
      out, _ = apply_model(gan.models.generator, state.g_ema, state.g_stats, z,
                           train=False)
      return out
    self._draw = draw

  def __call__(self, state: TrainState, z: jax.Array) -> np.ndarray:
    pieces = [np.asarray(self._draw(state, z[i:i + self._batch_size]))
              for i in range(0, len(z), self._batch_size)]
    out = np.concatenate(pieces)
    if self._value_range is None:
      return out
    return images.to_uint8(out, self._value_range)
