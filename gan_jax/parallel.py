"""Data parallelism over every device of every host, by sharding annotations.

The state is replicated and the batch axis is split over a 1-D mesh axis
'data'. `jax.jit` then partitions the step: each device works on its slice of
the batch, and XLA inserts the all-reduces that make gradients and batch-norm
statistics global. The code stays the single-device program; there is no
per-device code and so no hand-written pmean to get wrong.
"""
import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P

from gan_jax.errors import ConfigError

DATA_AXIS = 'data'


def make_mesh() -> Mesh:
  return Mesh(np.asarray(jax.devices()), (DATA_AXIS,))


def replicated(mesh: Mesh) -> NamedSharding:
  return NamedSharding(mesh, P())


def batch_sharding(mesh: Mesh, batch_axis: int = 0) -> NamedSharding:
  """Splits axis `batch_axis` of an array over the devices."""
  return NamedSharding(mesh, P(*([None] * batch_axis), DATA_AXIS))


def state_sharding(mesh: Mesh, members: int = 1) -> NamedSharding:
  """A run's state is replicated; a population's members are split over the
  devices when they divide evenly (else replicated too)."""
  if members > 1 and members % mesh.devices.size == 0:
    return NamedSharding(mesh, P(DATA_AXIS))
  return replicated(mesh)


def check_batch_size(batch_size: int, mesh: Mesh) -> None:
  devices = mesh.devices.size
  if batch_size % devices:
    raise ConfigError(
        f'train.batch_size={batch_size} must be divisible by the number of '
        f'devices ({devices}); try {max(batch_size // devices, 1) * devices}')
