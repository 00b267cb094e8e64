"""Metrics against a known mixture: mode coverage (2-D) and GAN theory (1-D).

Mode coverage follows PacGAN (Lin et al. 2018), as its code computes it
(fjxmlzn/PacGAN, pacgan/extensions.py MetricLogger, after VEEGAN):
  - a sample is high quality if it lies within 3 standard deviations of the
    nearest mode centre (Mahalanobis distance < 3, i.e. |x - mu| < 3 std);
  - the mode histogram counts high-quality samples per nearest mode; a mode
    is covered if it gets at least `min_count` of them (the code: >= 1);
  - reverse KL is KL(p_gen || p_data) over that histogram, with p_gen the
    normalised histogram and p_data uniform over the K modes:
      sum_k p_k log(p_k K)  =  log K - H(p_gen).
    "Reverse" because the model's distribution comes first: it is small when
    the covered modes are evenly filled, and log(K / k) when k of K modes are
    filled evenly, so dropped modes cost little while any mass off the
    uniform shape costs a lot. Samples that are not high quality do not enter.

The 1-D checks are the classic picture of Goodfellow et al. (2014): for a
frozen G the best D is p_data / (p_data + p_g) (Prop. 1), the value at that
D is -log 4 + 2 JSD(p_data || p_g) (Thm. 1), and a G fed noise with CDF F_z
that matches p_data exactly is a transport of the noise onto the data; the
monotone one is F_data^-1 o F_z (the transform method).
"""
import numpy as np
from scipy import special

from gan_jax.data.toy import GaussianMixture

HQ_STDS = 3.0

# CDFs of the noise distributions in gan_jax.models.spec (unit variance).
NOISE_CDF = {
    'normal': special.ndtr,
    'uniform': lambda z: np.clip((z + np.sqrt(3.0)) / (2 * np.sqrt(3.0)), 0, 1),
}


def mode_counts(points: np.ndarray, mixture: GaussianMixture,
                threshold: float = HQ_STDS) -> tuple[np.ndarray, np.ndarray]:
  """(high-quality samples per mode [K], high-quality mask [N])."""
  points = np.asarray(points, np.float64).reshape(len(points), mixture.dim)
  dist = np.sqrt(((points[:, None] - mixture.means[None]) ** 2).sum(-1))
  nearest = dist.argmin(1)
  good = dist[np.arange(len(points)), nearest] < threshold * mixture.std
  counts = np.bincount(nearest[good], minlength=len(mixture.means))
  return counts, good


def reverse_kl(counts: np.ndarray) -> float:
  """KL(p_gen || uniform) of a mode histogram; inf if it is empty."""
  total = counts.sum()
  if total == 0:
    return float('inf')
  p = counts[counts > 0] / total
  return float(np.sum(p * np.log(p * len(counts))))


def mode_coverage(points: np.ndarray, mixture: GaussianMixture,
                  min_count: int = 1) -> dict[str, float]:
  """PacGAN's three numbers: modes covered, % high quality, reverse KL."""
  counts, good = mode_counts(points, mixture)
  return {'modes': int(np.sum(counts >= min_count)),
          'hq_percent': 100.0 * float(good.mean()),
          'reverse_kl': reverse_kl(counts)}


def ks_distance(samples: np.ndarray, cdf) -> float:
  """sup_x |F_n(x) - F(x)| between the samples' empirical CDF and `cdf`."""
  x = np.sort(np.asarray(samples, np.float64).ravel())
  n = len(x)
  f = cdf(x)
  return float(max(np.max(np.arange(1, n + 1) / n - f),
                   np.max(f - np.arange(n) / n)))


def transport_error(z: np.ndarray, g_of_z: np.ndarray, z_dist: str,
                    mixture: GaussianMixture) -> dict[str, float]:
  """RMS distance of G from the two monotone transports of noise to data.

  F^-1(F_z(z)) is increasing; F^-1(1 - F_z(z)) pushes the same noise onto
  the same data decreasingly, and a GAN is as likely to find either, so both
  are reported with the nearer one as `map_rms`.
  """
  u = np.clip(NOISE_CDF[z_dist](np.asarray(z, np.float64).ravel()),
              1e-9, 1 - 1e-9)
  g = np.asarray(g_of_z, np.float64).ravel()
  up = np.sqrt(np.mean((g - mixture.inverse_cdf(u)) ** 2))
  down = np.sqrt(np.mean((g - mixture.inverse_cdf(1 - u)) ** 2))
  return {'map_rms': float(min(up, down)), 'map_rms_increasing': float(up),
          'map_rms_decreasing': float(down)}


def noise_quantiles(num: int, z_dist: str) -> np.ndarray:
  """`num` noise values at evenly spaced quantiles (a stratified draw).

  Pushed through G they are an almost exact picture of p_g: the empirical
  CDF of G's outputs is off by at most 1/num wherever G is monotone.
  """
  u = (np.arange(num) + 0.5) / num
  if z_dist == 'normal':
    return special.ndtri(u)
  return (2 * u - 1) * np.sqrt(3.0)


def density_on_bins(points: np.ndarray, edges: np.ndarray) -> np.ndarray:
  """A histogram density (integrates to the mass inside the edges)."""
  counts, _ = np.histogram(np.asarray(points).ravel(), edges)
  return counts / (len(np.ravel(points)) * np.diff(edges))


def optimal_discriminator(p_data: np.ndarray, p_g: np.ndarray) -> np.ndarray:
  """D*(x) = p_data / (p_data + p_g); 1/2 where both densities vanish."""
  total = p_data + p_g
  return np.where(total > 0, p_data / np.where(total > 0, total, 1), 0.5)


def discriminator_error(d_prob: np.ndarray, p_data: np.ndarray,
                        p_g: np.ndarray, widths: np.ndarray) -> float:
  """E_{x ~ (p_data + p_g) / 2} |D(x) - D*(x)|, on bins of these widths.

  Weighted by where the two distributions put their mass: elsewhere D is
  never trained and D* is 0/0.
  """
  weight = 0.5 * (p_data + p_g) * widths
  gap = np.abs(d_prob - optimal_discriminator(p_data, p_g))
  return float(np.sum(weight * gap) / np.sum(weight))


def gan_value(real_logits: np.ndarray, fake_logits: np.ndarray) -> float:
  """V(D, G) = E log D(x) + E log(1 - D(G(z))), from D's logits."""
  log_sigmoid = lambda l: -np.logaddexp(0.0, -np.asarray(l, np.float64))
  return float(np.mean(log_sigmoid(real_logits)) +
               np.mean(log_sigmoid(-np.asarray(fake_logits))))


def jensen_shannon(p: np.ndarray, q: np.ndarray, widths: np.ndarray) -> float:
  """JSD between two densities given on bins (natural log)."""
  m = 0.5 * (p + q)
  def kl(a):
    ok = a > 0
    return np.sum(a[ok] * widths[ok] * np.log(a[ok] / m[ok]))
  return float(0.5 * kl(p) + 0.5 * kl(q))
