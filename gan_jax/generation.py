"""Images from the EMA generator, in batches, as uint8 in the data's scale.

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
  """sampler(state, z) -> uint8 [N, H, W, C]."""

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
    return images.to_uint8(np.concatenate(pieces), self._value_range)
