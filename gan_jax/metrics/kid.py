"""Kernel Inception Distance (Binkowski et al. 2018): unbiased MMD^2 with the
cubic polynomial kernel, averaged over random subsets.

Unlike FID it has an unbiased estimator, so small sample sets do not inflate
it; the spread over subsets says how much to trust a difference.
"""
import functools

import jax
import jax.numpy as jnp

Array = jax.Array


def polynomial_kernel(x: Array, y: Array) -> Array:
  """(x.y / d + 1)^3 for every pair: [N, D], [M, D] -> [N, M]."""
  dots = jnp.dot(x, y.T, precision=jax.lax.Precision.HIGHEST)
  return (dots / x.shape[1] + 1.0) ** 3


def mmd2_unbiased(x: Array, y: Array) -> Array:
  """MMD^2 without the diagonal terms k(x_i, x_i), which bias it upwards."""
  m, n = x.shape[0], y.shape[0]
  k_xx, k_yy = polynomial_kernel(x, x), polynomial_kernel(y, y)
  # MMD^2 ignores constant shifts of the kernel; removing the typical value
  # keeps float32 sums of ~10^6 large, similar terms from cancelling badly.
  shift = jnp.mean(k_xx)
  within_x = (jnp.sum(k_xx - shift) - jnp.trace(k_xx - shift)) / (m * (m - 1))
  within_y = (jnp.sum(k_yy - shift) - jnp.trace(k_yy - shift)) / (n * (n - 1))
  across = jnp.mean(polynomial_kernel(x, y) - shift)
  return within_x + within_y - 2.0 * across


def subset_indices(key: Array, n: int, size: int) -> Array:
  return jax.random.choice(key, n, (size,), replace=False)


@functools.partial(jax.jit, static_argnames=('num_subsets', 'subset_size'))
def kid(features_a: Array, features_b: Array, key: Array,
        num_subsets: int = 100, subset_size: int = 1000) -> tuple[Array, Array]:
  """(mean, std) of MMD^2 over `num_subsets` pairs of random subsets.

  Each subset draws min(subset_size, N_a, N_b) points from each set without
  replacement, as in the paper's code (100 subsets of 1000 by default).
  """
  size = min(subset_size, features_a.shape[0], features_b.shape[0])

  def one(subset_key):
    key_a, key_b = jax.random.split(subset_key)
    return mmd2_unbiased(
        features_a[subset_indices(key_a, features_a.shape[0], size)],
        features_b[subset_indices(key_b, features_b.shape[0], size)])

  values = jax.lax.map(one, jax.random.split(key, num_subsets))
  return jnp.mean(values), jnp.std(values)
