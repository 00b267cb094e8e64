"""Low-dimensional Gaussian mixtures: the 1-D lab and PacGAN's 2-D benchmarks.

A toy dataset is a fixed, seeded float32 array of points [N, D], so it takes
the same road as MNIST (`load_split` -> device -> `sample_real`'s gather) and
a run's batches stay a pure function of (seed, step). The mixture itself is
kept too, because its metrics need the truth: the mode centres and std for
mode coverage, the density and CDF for the 1-D theory checks.

The 2-D sets are PacGAN's (Lin et al. 2018, after VEEGAN): 'ring' is 8
equal Gaussians on the unit circle with std 0.01, 'grid' 25 at {-4, -2, 0, 2,
4}^2 with std 0.05, each 100,000 training points (fjxmlzn/PacGAN's
synthetic_data_experiments configs).
"""
import itertools
from typing import NamedTuple

import numpy as np
from scipy import special

from gan_jax.errors import DataError

NUM_EXAMPLES = 100_000
# Each split is its own draw: 'train' for training, 'test' for held-out checks.
SPLIT_SEEDS = {'train': 0, 'test': 1}


class GaussianMixture(NamedTuple):
  """Equal-weight isotropic Gaussians sharing one std."""
  means: np.ndarray  # [K, D]
  std: float

  @property
  def dim(self) -> int:
    return self.means.shape[1]

  def sample(self, num: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(points float32 [num, D], component int32 [num]); pure in `seed`."""
    rng = np.random.default_rng(seed)
    component = rng.integers(0, len(self.means), num)
    noise = rng.standard_normal((num, self.dim))
    points = self.means[component] + self.std * noise
    return points.astype(np.float32), component.astype(np.int32)

  def pdf(self, x: np.ndarray) -> np.ndarray:
    """Density at points [N, D] (or [N] for 1-D)."""
    x = np.asarray(x, np.float64).reshape(len(x), self.dim)
    sq = ((x[:, None, :] - self.means[None]) ** 2).sum(-1) / self.std ** 2
    norm = (2 * np.pi * self.std ** 2) ** (self.dim / 2)
    return np.exp(-0.5 * sq).mean(1) / norm

  def cdf(self, x: np.ndarray) -> np.ndarray:
    """1-D only: P(X <= x)."""
    self._check_1d()
    u = (np.asarray(x, np.float64)[..., None] - self.means[:, 0]) / self.std
    return special.ndtr(u).mean(-1)

  def inverse_cdf(self, q: np.ndarray, tol: float = 1e-10) -> np.ndarray:
    """1-D only: F^-1(q) by bisection (a mixture's CDF has no closed inverse).

    This is the optimal monotone transport from U(0, 1) to the data: the
    map a 1-D generator fed with uniform noise should learn.
    """
    self._check_1d()
    q = np.asarray(q, np.float64)
    lo = np.full_like(q, self.means.min() - 40 * self.std)
    hi = np.full_like(q, self.means.max() + 40 * self.std)
    while np.max(hi - lo) > tol:
      mid = 0.5 * (lo + hi)
      below = self.cdf(mid) < q
      lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return 0.5 * (lo + hi)

  def _check_1d(self) -> None:
    if self.dim != 1:
      raise ValueError(f'only defined for 1-D mixtures, this one is '
                       f'{self.dim}-D')


def ring(num_modes: int = 8, radius: float = 1.0,
         std: float = 0.01) -> GaussianMixture:
  angles = 2 * np.pi * np.arange(num_modes) / num_modes
  return GaussianMixture(
      radius * np.stack([np.cos(angles), np.sin(angles)], 1), std)


def grid(side: int = 5, spacing: float = 2.0,
         std: float = 0.05) -> GaussianMixture:
  ticks = spacing * (np.arange(side) - (side - 1) / 2)
  return GaussianMixture(np.array(list(itertools.product(ticks, ticks))), std)


TOY_DATASETS: dict[str, GaussianMixture] = {
    # The 1-D target of the popular "GAN in 50 lines" demos: N(4, 0.5^2).
    'gauss1d': GaussianMixture(np.array([[4.0]]), 0.5),
    # Two well-separated modes: a monotone map must jump between them.
    'mixture1d': GaussianMixture(np.array([[-2.0], [2.0]]), 0.5),
    'ring': ring(),
    'grid': grid(),
}


def mixture(name: str) -> GaussianMixture:
  if name not in TOY_DATASETS:
    raise DataError(f'unknown toy dataset {name!r}: choose one of '
                    f'{", ".join(TOY_DATASETS)}')
  return TOY_DATASETS[name]


def load_split(name: str, split: str) -> tuple[np.ndarray, np.ndarray]:
  """(points float32 [N, D], component int32 [N]) for 'train' or 'test'."""
  if split not in SPLIT_SEEDS:
    raise DataError(f'toy dataset {name!r} has splits '
                    f'{", ".join(SPLIT_SEEDS)}, not {split!r}')
  return mixture(name).sample(NUM_EXAMPLES, SPLIT_SEEDS[split])
