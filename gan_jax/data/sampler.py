"""Minibatches drawn on device from a dataset that lives on device.

MNIST-sized datasets fit in accelerator memory as uint8 (toy point sets as
float32), so the input pipeline is a gather inside the jitted step: no host
work, no transfers, no prefetch threads. Batches follow epoch-wise random
permutations (every example once per epoch, remainder dropped), and the
permutation of epoch e is a pure function of (seed, e), so a resumed run sees
exactly the same batches. Only the step's own slice of the permutation is
computed (see shuffle.py).
"""
from typing import NamedTuple

import jax
import jax.numpy as jnp

from gan_jax import rng
from gan_jax.data.shuffle import permuted_index


def steps_per_epoch(num_examples: int, examples_per_step: int) -> int:
  return max(num_examples // examples_per_step, 1)


def to_unit_range(images: jax.Array,
                  value_range: tuple[float, float] | None) -> jax.Array:
  """uint8 pixels -> floats spanning `value_range` (G's output range).

  Data that is already real-valued (toy points, `value_range` None) is in
  G's own units and passes through unchanged.
  """
  if jnp.issubdtype(images.dtype, jnp.floating):
    return images.astype(jnp.float32)
  low, high = value_range
  return images.astype(jnp.float32) * ((high - low) / 255.0) + low


class DeviceData(NamedTuple):
  """The training set on device; `labels` (int32 [N]) only when a
  class-conditional model needs them, else None."""
  examples: jax.Array
  labels: jax.Array | None = None


def batch_index(num_examples: int, base_key: jax.Array, step: jax.Array,
                num_batches: int, batch_size: int) -> jax.Array:
  """Which examples update `step` reads: [num_batches * batch_size]."""
  per_step = num_batches * batch_size
  per_epoch = steps_per_epoch(num_examples, per_step)
  epoch, position = step // per_epoch, step % per_epoch
  positions = position * per_step + jnp.arange(per_step)
  return permuted_index(rng.key_for(base_key, rng.Stream.DATA, epoch),
                        positions, num_examples)


def sample_labels(labels: jax.Array, base_key: jax.Array, step: jax.Array,
                  num_batches: int, batch_size: int) -> jax.Array:
  """The classes of `sample_real`'s examples: [num_batches, batch_size]."""
  index = batch_index(labels.shape[0], base_key, step, num_batches,
                      batch_size)
  return jnp.take(labels, index).reshape(num_batches, batch_size)


def sample_real(dataset: jax.Array, base_key: jax.Array, step: jax.Array,
                num_batches: int, batch_size: int,
                value_range: tuple[float, float] | None) -> jax.Array:
  """The real examples for update `step`: [num_batches, batch_size, ...]."""
  index = batch_index(dataset.shape[0], base_key, step, num_batches,
                      batch_size)
  batch = jnp.take(dataset, index, axis=0)
  batch = batch.reshape(num_batches, batch_size, *dataset.shape[1:])
  return to_unit_range(batch, value_range)


def sample_unpaired(dataset: jax.Array, base_key: jax.Array, step: jax.Array,
                    num_batches: int, batch_size: int,
                    value_range: tuple[float, float]) -> jax.Array:
  """`sample_real` for two domains side by side in channels ([a | b],
  gan_jax/data/domains.py): each half follows its own epoch permutations,
  so an A image never meets the same B image twice by construction."""
  c = dataset.shape[-1] // 2
  a = sample_real(dataset, base_key, step, num_batches, batch_size,
                  value_range)[..., :c]
  b = sample_real(dataset, jax.random.fold_in(base_key, 1), step,
                  num_batches, batch_size, value_range)[..., c:]
  return jnp.concatenate([a, b], axis=-1)
