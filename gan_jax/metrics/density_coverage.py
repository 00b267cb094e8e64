"""Density and coverage (Naeem et al. 2020).

Precision and recall trust the fake manifold, which one outlier can inflate.
These use only real neighbourhoods: density counts how many real balls hold
each fake (1 on average when fake matches real, above 1 for samples crowding
dense regions); coverage is the share of real balls holding at least one fake.
"""
import functools

import jax
import jax.numpy as jnp

from gan_jax.metrics import neighbours

Array = jax.Array


@functools.partial(jax.jit, static_argnames=('k', 'batch_size'))
def density_coverage(real: Array, fake: Array, k: int = 5,
                     batch_size: int = neighbours.BATCH_SIZE
                     ) -> tuple[Array, Array]:
  """(density, coverage) of fake features [M, D] against real ones [N, D]."""
  real_radii = neighbours.kth_neighbour_sq_radius(real, k, batch_size)
  density = jnp.mean(
      neighbours.count_in_balls(fake, real, real_radii, batch_size)) / k
  nearest_fake = neighbours.nearest_sq_distance(real, fake, batch_size)
  coverage = jnp.mean(nearest_fake <= real_radii)
  return density, coverage
