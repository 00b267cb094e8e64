"""Improved precision and recall (Kynkäänniemi et al. 2019).

Each set's manifold is the union of balls reaching every point's k-th nearest
neighbour. Precision: the share of fakes inside the real manifold (are samples
realistic?). Recall: the share of reals inside the fake manifold (is the data's
variety covered?). FID folds both into one number.
"""
import functools

import jax
import jax.numpy as jnp

from gan_jax.metrics import neighbours

Array = jax.Array


@functools.partial(jax.jit, static_argnames=('k', 'batch_size'))
def precision_recall(real: Array, fake: Array, k: int = 3,
                     batch_size: int = neighbours.BATCH_SIZE
                     ) -> tuple[Array, Array]:
  """(precision, recall) of fake features [M, D] against real ones [N, D]."""
  real_radii = neighbours.kth_neighbour_sq_radius(real, k, batch_size)
  fake_radii = neighbours.kth_neighbour_sq_radius(fake, k, batch_size)
  precision = jnp.mean(
      neighbours.count_in_balls(fake, real, real_radii, batch_size) > 0)
  recall = jnp.mean(
      neighbours.count_in_balls(real, fake, fake_radii, batch_size) > 0)
  return precision, recall
