"""Parzen-window log-likelihood, the 2014 GAN paper's protocol.

A Gaussian kernel density is fitted to the generated samples (pixels in
[0, 1]); its width is picked on held-out real images and the test images are
scored. Kept so results compare with the paper's Table 1; it is a poor
likelihood estimate in 784 dimensions (Theis et al. 2016).
"""
import functools

import jax
import jax.numpy as jnp
import numpy as np

from gan_jax.metrics import neighbours

Array = jax.Array
SIGMAS = tuple(map(float, np.logspace(-1, 0, 10)))  # The paper's grid.
BATCH_SIZE = 100  # Points per block: memory ~ BATCH_SIZE * len(SIGMAS) * N.


def log_likelihoods(points: Array, centres: Array, sigmas: Array,
                    batch_size: int = BATCH_SIZE) -> Array:
  """log p(x) under the kernel density for every point and sigma: [N, S].

  log p(x) = logsumexp_i(-||x - mu_i||^2 / 2 sigma^2) - log n
             - d/2 log(2 pi sigma^2)
  """
  n, d = centres.shape

  def one(point):
    sq = neighbours.sq_distances(point[None], centres)[0]
    return jax.nn.logsumexp(-sq[None, :] / (2 * sigmas[:, None] ** 2), axis=1)

  logsumexp = jax.lax.map(one, points, batch_size=batch_size)
  return logsumexp - jnp.log(n) - d / 2 * jnp.log(2 * jnp.pi * sigmas ** 2)


@functools.partial(jax.jit, static_argnames=('sigmas', 'batch_size'))
def parzen(centres: Array, validation: Array, test: Array,
           sigmas: tuple[float, ...] = SIGMAS,
           batch_size: int = BATCH_SIZE) -> tuple[Array, Array, Array]:
  """(mean, standard error, sigma) of the test log-likelihood.

  All inputs are flattened images [N, D] in [0, 1]. Sigma maximises the mean
  validation log-likelihood; the standard error is std / sqrt(N_test).
  """
  sigmas = jnp.asarray(sigmas, jnp.float32)
  valid_ll = jnp.mean(log_likelihoods(validation, centres, sigmas, batch_size),
                      axis=0)
  sigma = sigmas[jnp.argmax(valid_ll)]
  test_ll = log_likelihoods(test, centres, sigma[None], batch_size)[:, 0]
  return (jnp.mean(test_ll), jnp.std(test_ll) / jnp.sqrt(test.shape[0]),
          sigma)


def parzen_over_folds(centres: Array, folds) -> tuple[float, float, list[float]]:
  """The 2014 paper's TFD protocol: (mean, standard error, sigmas) over folds.

  `folds` is a sequence of (validation, test) pairs, flattened in [0, 1].
  Each fold picks its own sigma on its validation images and scores its test
  images; the result is the mean of the folds' mean log-likelihoods and
  their standard error across folds (sample std / sqrt(number of folds)).
  """
  per_fold = [parzen(centres, validation, test) for validation, test in folds]
  means = np.array([float(mean) for mean, _, _ in per_fold])
  se = means.std(ddof=1) / np.sqrt(len(means)) if len(means) > 1 else 0.0
  return float(means.mean()), float(se), [float(s) for _, _, s in per_fold]
