"""Stacked MNIST (Metz et al. 2017; VEEGAN, PacGAN): 1,000 modes from MNIST.

Each example puts three MNIST digits into the R, G and B channels, so its
class is one of 10^3 digit triples: a generator that drops modes shows it as
triples it never draws. The three images are drawn independently and
uniformly from the named MNIST split with a fixed seed, so the dataset is a
pure function of (split, size) and lives on device like MNIST itself.
"""
import numpy as np

NUM_EXAMPLES = 60_000
SEEDS = {'train': 0, 'test': 1}
NUM_MODES = 1000


def stack(images: np.ndarray, labels: np.ndarray, num: int,
          seed: int) -> tuple[np.ndarray, np.ndarray]:
  """(uint8 [num, H, W, 3], mode = 100 d_R + 10 d_G + d_B int32 [num])."""
  index = np.random.default_rng(seed).integers(0, len(images), (num, 3))
  stacked = np.concatenate([images[index[:, c]] for c in range(3)], axis=-1)
  modes = (100 * labels[index[:, 0]] + 10 * labels[index[:, 1]] +
           labels[index[:, 2]])
  return stacked, modes.astype(np.int32)
