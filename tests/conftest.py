"""Suite-wide settings: the real data, XLA flags and a compilation cache for
fast compiles, per-worker TFDS caches, and the xdist worker count."""
import os
import pathlib
import shutil
import sys
import tempfile

import pytest

from gan_jax import cpu_speed

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / 'shared' / 'data'


# XLA flags for the tests only. The suite is compile-bound (tiny models, a
# step or a few each), and LLVM's optimisation passes are most of XLA:CPU's
# compile time: at level 0 a tiny DCGAN's init compiles in 0.5 s instead of
# 2.3 s and its train step in 1.2 s instead of 1.8 s (measured by
# benchmarks/suite_compile_time.py). Semantics are the same; benchmarks and
# real runs keep XLA's defaults.
TEST_XLA_FLAGS = '--xla_backend_optimization_level=0'


def pytest_configure(config):
  # The settings `python -m gan_jax.main` runs under, so that the runs tests
  # start as subprocesses compile the same programs (one cache) as the tests.
  os.environ.update(cpu_speed.environment(os.environ))
  cpu_speed.configure_jax()
  if TEST_XLA_FLAGS not in os.environ.get('XLA_FLAGS', ''):
    os.environ['XLA_FLAGS'] = ' '.join(
        filter(None, [os.environ.get('XLA_FLAGS'), TEST_XLA_FLAGS]))
  # Many tests (and the runs they start as subprocesses) compile the same
  # programs: a compilation cache shared for the session serves the repeats.
  # Per session, so the suite's duration is what a fresh clone sees.
  if 'JAX_COMPILATION_CACHE_DIR' not in os.environ:
    config.jit_cache = tempfile.mkdtemp(prefix='gan_jax_jit_cache_')
    os.environ['JAX_COMPILATION_CACHE_DIR'] = config.jit_cache
  os.environ.setdefault('JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS', '0')
  # Tests read the real MNIST; subprocesses inherit these variables.
  if 'GAN_JAX_DATA_DIR' not in os.environ and SHARED_DATA.is_dir():
    os.environ['GAN_JAX_DATA_DIR'] = str(SHARED_DATA)
  # TFDS builds go to a cache of our own unless the caller chose a directory;
  # one per pytest-xdist worker, so no two workers prepare one dataset in the
  # same place at once (workers inherit the controller's environment).
  tfds_root = ROOT / '.pytest_cache' / 'tensorflow_datasets'
  if not os.environ.get('TFDS_DATA_DIR', str(tfds_root)).startswith(
      str(tfds_root)):
    return
  cache = tfds_root / os.environ.get('PYTEST_XDIST_WORKER', 'main')
  cache.mkdir(parents=True, exist_ok=True)
  os.environ['TFDS_DATA_DIR'] = str(cache)


def _usable_cpus() -> int:
  """CPUs this process may use: its affinity, capped by a cgroup CPU quota
  (a container limited to 2 CPUs on a large host sees the host's count)."""
  cpus = len(os.sched_getaffinity(0))
  try:
    quota, period = pathlib.Path('/sys/fs/cgroup/cpu.max').read_text().split()
    if quota != 'max':
      cpus = min(cpus, max(1, -(-int(quota) // int(period))))
  except (OSError, ValueError):
    pass
  return cpus


def pytest_xdist_auto_num_workers(config) -> int:
  """`-n auto`: a worker per usable CPU, at most 8 (each holds a JAX
  runtime and most tests compile, which is single-threaded)."""
  del config
  return min(_usable_cpus(), 8)


def pytest_unconfigure(config):
  if hasattr(config, 'jit_cache'):  # made by this process (not a worker)
    shutil.rmtree(config.jit_cache, ignore_errors=True)


@pytest.fixture
def python() -> str:
  return sys.executable
