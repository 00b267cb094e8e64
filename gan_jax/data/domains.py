"""Two unpaired image domains built from one MNIST split, for CycleGAN.

Domain A is MNIST as it is; domain B is MNIST restyled: strokes thickened
(a 3x3 grey dilation) and colours inverted (white paper, black ink). The two
domains take disjoint halves of the split (A the even positions, B the odd
ones), so no image of B is the restyled copy of an image of A: the pairing a
translator would need to cheat with does not exist.

The dataset packs the halves side by side in channels, uint8 [N/2, H, W, 2]
(channel 0 is A, channel 1 is B), so it is one array on device like every
other dataset; the CycleGAN step reads the two channels with independent
permutations, so the examples sharing a row are never seen together. The
labels, int32 [N/2, 2] (A's, B's), are for evaluation only.
"""
import numpy as np

# The name `data.load_split` serves, built from this source dataset.
DATASETS = {'mnist_unpaired': 'mnist'}


def halves(num: int) -> tuple[np.ndarray, np.ndarray]:
  """Positions of domain A's and domain B's source images (equal sizes)."""
  a = np.arange(0, num - num % 2, 2)
  return a, a + 1


def dilate(images: np.ndarray) -> np.ndarray:
  """3x3 grey dilation (max filter) of uint8 [N, H, W, C]: thicker strokes."""
  h, w = images.shape[1:3]
  padded = np.pad(images, ((0, 0), (1, 1), (1, 1), (0, 0)))
  shifted = [padded[:, dy:dy + h, dx:dx + w] for dy in range(3)
             for dx in range(3)]
  return np.max(shifted, axis=0)


def to_domain_b(images: np.ndarray) -> np.ndarray:
  """MNIST uint8 -> domain B's look: dilated, then colour-inverted."""
  return 255 - dilate(images)


def unpaired(images: np.ndarray,
             labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
  """(A|B uint8 [N/2, H, W, 2C], labels int32 [N/2, 2]) from one split."""
  a, b = halves(len(images))
  pairs = np.concatenate([images[a], to_domain_b(images[b])], axis=-1)
  return pairs, np.stack([labels[a], labels[b]], axis=1).astype(np.int32)
