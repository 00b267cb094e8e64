"""Process settings under which XLA:CPU trains GANs much faster.

Measured on the project's 2-core CPU with JAX 0.10.2 (benchmarks/
cpu_settings.py times a DCGAN step with and without each):

- XLA_FLAGS `--xla_cpu_experimental_ynn_fusion_type=-individual_convolution`:
  XLA:CPU hands each convolution to YNNPACK, whose convolutions (kernel
  gradients above all) ran far slower than XLA's own Eigen ones; the flag
  keeps Eigen's. Other backends ignore xla_cpu flags.
- GLIBC_TUNABLES `glibc.malloc.hugetlb=1`: XLA allocates its large
  temporaries afresh every step, and the kernel maps each one page by page
  on first touch; with transparent huge pages that is 512 times fewer
  faults. glibc reads its tunables when the process starts, so `apply`
  starts the process again with them.
- and `mmap_max=0:trim_threshold=4294967296:top_pad=67108864`: keep what
  malloc got from the kernel in its heaps instead of mapping and unmapping
  large blocks every step (glibc otherwise maps anything over 32 MB
  afresh, and deletes a thread's heap as soon as it is empty). A
  population's temporaries, split to fit those heaps
  (gan_jax.population.compiler_options), then cost no kernel time; a
  lone DCGAN step ran as fast as before (benchmarks/cpu_settings.py).
  The price is that the process never gives that memory back while it
  runs; its peak stays bounded (benchmarks/memory.py).

A setting the user already chose (the XLA flag, or any GLIBC_TUNABLES)
is left as it is.
"""
from collections.abc import Mapping
import os
import sys

XLA_FLAG = '--xla_cpu_experimental_ynn_fusion_type=-individual_convolution'
GLIBC_TUNABLE = ':'.join(f'glibc.malloc.{name}={value}' for name, value in (
    ('hugetlb', 1), ('mmap_max', 0), ('trim_threshold', 2**32),
    ('top_pad', 64 * 2**20)))


def environment(env: Mapping[str, str]) -> dict[str, str]:
  """`env` with both settings added where the user has not set them."""
  env = dict(env)
  flags = env.get('XLA_FLAGS', '')
  if 'xla_cpu_experimental_ynn_fusion_type' not in flags:
    env['XLA_FLAGS'] = f'{flags} {XLA_FLAG}'.strip()
  env.setdefault('GLIBC_TUNABLES', GLIBC_TUNABLE)
  return env


def apply() -> None:
  """Re-executes this command under `environment` if that changes it.

  Call before anything initialises JAX. Only GLIBC_TUNABLES needs the new
  process; XLA_FLAGS alone is set in place (JAX reads it at backend start).
  """
  env = environment(os.environ)
  if env.get('GLIBC_TUNABLES') != os.environ.get('GLIBC_TUNABLES'):
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], env)
  os.environ.update(env)
