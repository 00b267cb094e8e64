"""Joining a multi-host run: one process per host, one program over all devices.

After `jax.distributed.initialize`, `jax.devices()` lists the devices of every
host, so the mesh in `parallel.make_mesh` spans the whole slice and the same
jitted step runs everywhere; nothing else in gan_jax knows how many hosts
there are, except the few places that write files (process 0 only) and the
preemption check (`agree_to_stop`), which must agree across hosts.

Where the process layout comes from, first match wins:
  1. flags --coordinator_address/--num_processes/--process_id (gan_jax.main);
  2. the environment, GAN_JAX_COORDINATOR / GAN_JAX_NUM_PROCESSES /
     GAN_JAX_PROCESS_ID (what `launch.sh multiprocess` sets);
  3. a Cloud TPU VM slice with several workers (TPU_WORKER_HOSTNAMES lists
     them): JAX finds the layout itself;
  4. otherwise this is a single-process run and nothing is initialised.
"""
import os
from typing import NamedTuple

import jax
import numpy as np
from jax.experimental import multihost_utils

from gan_jax.errors import ConfigError

ENV = {'coordinator_address': 'GAN_JAX_COORDINATOR',
       'num_processes': 'GAN_JAX_NUM_PROCESSES',
       'process_id': 'GAN_JAX_PROCESS_ID'}
# A peer that sends no heartbeat for this long is declared dead, and every
# other process stops with an error instead of waiting for it forever.
HEARTBEAT_ENV = 'GAN_JAX_HEARTBEAT_TIMEOUT'
DEFAULT_HEARTBEAT_S = 100


class Layout(NamedTuple):
  coordinator_address: str
  num_processes: int
  process_id: int


def layout_from(coordinator_address: str | None = None,
                num_processes: int | None = None,
                process_id: int | None = None,
                environ: dict[str, str] | None = None) -> Layout | None:
  """The explicit process layout (flags, then environment), or None."""
  environ = os.environ if environ is None else environ
  given = {'coordinator_address': coordinator_address,
           'num_processes': num_processes, 'process_id': process_id}
  values = {k: v if v is not None else environ.get(ENV[k])
            for k, v in given.items()}
  if all(v is None or v == '' for v in values.values()):
    return None
  missing = [k for k, v in values.items() if v is None or v == '']
  if missing:
    raise ConfigError(
        f'a multi-process run needs all of coordinator_address, '
        f'num_processes and process_id; missing {", ".join(missing)} (flags '
        f'--{missing[0]}=... or ${ENV[missing[0]]})')
  try:
    layout = Layout(str(values['coordinator_address']),
                    int(values['num_processes']), int(values['process_id']))
  except ValueError as e:
    raise ConfigError(f'num_processes and process_id must be integers: '
                      f'{e}') from e
  if not 0 <= layout.process_id < layout.num_processes:
    raise ConfigError(f'process_id={layout.process_id} must be in '
                      f'[0, num_processes={layout.num_processes})')
  return layout


def on_tpu_pod(environ: dict[str, str] | None = None) -> bool:
  environ = os.environ if environ is None else environ
  return ',' in environ.get('TPU_WORKER_HOSTNAMES', '')


def initialize(layout: Layout | None) -> None:
  """Connects this process to the others; a no-op for a single process."""
  heartbeat = int(os.environ.get(HEARTBEAT_ENV, DEFAULT_HEARTBEAT_S))
  if layout is not None:
    if layout.num_processes == 1:
      return
    # CPU devices of different processes talk through gloo over TCP.
    jax.config.update('jax_cpu_collectives_implementation', 'gloo')
    jax.distributed.initialize(
        coordinator_address=layout.coordinator_address,
        num_processes=layout.num_processes, process_id=layout.process_id,
        heartbeat_timeout_seconds=heartbeat)
  elif on_tpu_pod():
    jax.distributed.initialize(heartbeat_timeout_seconds=heartbeat)


def is_main_process() -> bool:
  """Only process 0 writes logs, sample sheets and evaluation records."""
  return jax.process_index() == 0


def should_stop(local_stop: bool, sync_point: bool) -> bool:
  """Whether every process stops after this step, the same answer on all.

  A preemption notice reaches hosts at different moments; if each acted on
  its own, one would save and exit while the others waited for it in the
  next collective. So with several processes the flags are exchanged, at
  `sync_point` steps only (where the loop syncs with the device anyway), and
  all stop together if any was asked to. One process decides at once.
  """
  if jax.process_count() == 1:
    return local_stop
  if not sync_point:
    return False
  flags = multihost_utils.process_allgather(np.int32(local_stop))
  return bool(np.any(flags))
