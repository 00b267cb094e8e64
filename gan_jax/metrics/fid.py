"""Fréchet distance between Gaussian fits of classifier features (Heusel et
al. 2017)."""
import jax
import jax.numpy as jnp
import numpy as np

Array = jax.Array


@jax.jit
def gaussian_stats(features: Array) -> tuple[Array, Array]:
  """Mean [D] and unbiased covariance [D, D] of features [N, D]."""
  mu = jnp.mean(features, axis=0)
  centred = features - mu
  cov = jnp.dot(centred.T, centred, precision=jax.lax.Precision.HIGHEST)
  return mu, cov / (features.shape[0] - 1)


def _symmetric(matrix: np.ndarray) -> np.ndarray:
  return (matrix + matrix.T) / 2


def _sqrtm_psd(matrix: np.ndarray) -> np.ndarray:
  """Symmetric square root; rounding's tiny negative eigenvalues become 0."""
  w, v = np.linalg.eigh(_symmetric(matrix))
  return (v * np.sqrt(np.clip(w, 0, None))) @ v.T


def frechet_distance(mu1: Array, cov1: Array, mu2: Array, cov2: Array) -> float:
  """||mu1 - mu2||^2 + tr(C1 + C2 - 2 (C1^1/2 C2 C1^1/2)^1/2).

  Only this D x D algebra runs on the host, in float64: a square root turns
  float32 eigenvalue noise eps * ||C|| into sqrt(eps * ||C||) per eigenvalue,
  enough to move FID(x, x) away from 0, and float64 in JAX is a global switch
  that TPUs lack. With D = 128 it takes about a millisecond.
  """
  mu1, cov1, mu2, cov2 = (np.asarray(a, np.float64)
                          for a in (mu1, cov1, mu2, cov2))
  root1 = _sqrtm_psd(cov1)
  cross = np.linalg.eigvalsh(_symmetric(root1 @ cov2 @ root1))
  trace_root = np.sum(np.sqrt(np.clip(cross, 0, None)))
  diff = mu1 - mu2
  return float(diff @ diff + np.trace(cov1) + np.trace(cov2) - 2 * trace_root)


def fid(features_a: Array, features_b: Array) -> float:
  return frechet_distance(*gaussian_stats(features_a),
                          *gaussian_stats(features_b))
