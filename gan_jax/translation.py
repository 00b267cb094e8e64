"""CycleGAN's translations in inference mode, for sheets and scores.

One jitted function, with the EMA translators as `generation.Sampler` uses
for noise-driven GANs, serves the training loop's sheets and
benchmarks/cyclegan_labels.py, so both see the same translations.
"""
import jax
import numpy as np

from gan_jax import images
from gan_jax.data.sampler import to_unit_range
from gan_jax.train_state import TrainState
from gan_jax.train_step import Gan, apply_model


class Translator:
  """translator(state, x) -> (G(x), G(G(x))), uint8 like x [N, H, W, 2C].

  x = [a | b] gives G(x) = [G_BA(b) | G_AB(a)] and G(G(x)) =
  [G_BA(G_AB(a)) | G_AB(G_BA(b))] (models/cyclegan.py).
  """

  def __init__(self, gan: Gan, batch_size: int = 500):
    self._range = gan.models.value_range
    self._batch_size = batch_size

    @jax.jit
    def both(state: TrainState, x: jax.Array) -> tuple[jax.Array, jax.Array]:
      def g(inputs):
        return apply_model(gan.models.generator, state.g_ema, state.g_stats,
                           inputs, train=False)[0]
      fake = g(to_unit_range(x, self._range))
      return fake, g(fake)
    self._both = both

  def __call__(self, state: TrainState,
               x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pieces = [self._both(state, x[i:i + self._batch_size])
              for i in range(0, len(x), self._batch_size)]
    return tuple(images.to_uint8(np.concatenate([np.asarray(p[j])
                                                 for p in pieces]),
                                 self._range) for j in (0, 1))


def sheet_rows(x: np.ndarray, fake: np.ndarray, rec: np.ndarray) -> np.ndarray:
  """Rows a, G_AB(a), G_BA(G_AB(a)), b, G_BA(b), G_AB(G_BA(b)) as one
  uint8 grid: each column follows one image there and back."""
  c = x.shape[-1] // 2
  rows = [x[..., :c], fake[..., c:], rec[..., :c],
          x[..., c:], fake[..., :c], rec[..., c:]]
  return images.grid(np.concatenate(rows), rows=6)
