"""Batched nearest-neighbour geometry on device, shared by precision/recall
and density/coverage.

Everything works with squared Euclidean distances (the comparisons are the
same) and visits one block of rows at a time, so memory is
O(batch_size * N) rather than O(N^2).
"""
import jax
import jax.numpy as jnp

Array = jax.Array
BATCH_SIZE = 500


def sq_distances(a: Array, b: Array) -> Array:
  """||a_i - b_j||^2 for [N, D] and [M, D], via one matrix product."""
  cross = jnp.dot(a, b.T, precision=jax.lax.Precision.HIGHEST)
  sq = (jnp.sum(a * a, axis=1)[:, None] + jnp.sum(b * b, axis=1)[None, :]
        - 2.0 * cross)
  return jnp.maximum(sq, 0.0)


def _rowwise(fn, points: Array, others: Array, batch_size: int) -> Array:
  """Maps fn(squared distances from one point to all `others`) over points."""
  return jax.lax.map(lambda p: fn(sq_distances(p[None], others)[0]), points,
                     batch_size=batch_size)


def kth_neighbour_sq_radius(points: Array, k: int,
                            batch_size: int = BATCH_SIZE) -> Array:
  """Squared distance from each point to its k-th nearest other point."""
  # The point itself is the nearest (distance 0), hence k + 1. Reducing the
  # k + 1 smallest with min, not indexing [k], keeps XLA:CPU on its fast TopK
  # kernel; with the index it sorts whole rows, 30x slower.
  return _rowwise(lambda d: -jnp.min(jax.lax.top_k(-d, k + 1)[0]), points,
                  points, batch_size)


def count_in_balls(points: Array, centres: Array, sq_radii: Array,
                   batch_size: int = BATCH_SIZE) -> Array:
  """For each point, how many balls (centres_j, radius_j) contain it."""
  return _rowwise(lambda d: jnp.sum(d <= sq_radii), points, centres,
                  batch_size)


def nearest_sq_distance(points: Array, others: Array,
                        batch_size: int = BATCH_SIZE) -> Array:
  return _rowwise(jnp.min, points, others, batch_size)


def nearest_index(points: Array, others: Array,
                  batch_size: int = BATCH_SIZE) -> Array:
  """For each point, the index of its nearest neighbour among `others`."""
  return _rowwise(jnp.argmin, points, others, batch_size)
