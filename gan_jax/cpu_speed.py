"""Process settings under which XLA:CPU trains GANs much faster.

Measured on the project's 2-core CPU with JAX 0.10.2 (benchmarks/
cpu_settings.py times a DCGAN step with and without each):

- XLA_FLAGS `--xla_cpu_experimental_ynn_fusion_type=-individual_convolution`:
  XLA:CPU hands each convolution to YNNPACK, whose convolutions (kernel
  gradients above all) ran far slower than XLA's own Eigen ones; the flag
  keeps Eigen's. Other backends ignore xla_cpu flags.
- GLIBC_TUNABLES `glibc.malloc.hugetlb=1`: the kernel maps fresh memory
  page by page on first touch; with transparent huge pages that is 512
  times fewer faults. glibc reads its tunables when the process starts, so
  `apply` starts the process again with them.
- and `mmap_max=0:trim_threshold=4294967296:top_pad=67108864`: keep what
  malloc got from the kernel in its heap instead of mapping and unmapping
  large blocks every step (glibc otherwise maps anything over 32 MB
  afresh). The price is that the process never gives that memory back
  while it runs; its peak stays bounded (benchmarks/memory.py).
- JAX's `jax_cpu_enable_async_dispatch` off (`configure_jax`): a
  single-device CPU program then runs on the thread that calls it, not on
  a worker thread of JAX's, so its temporaries (one buffer per call, 908
  MB for a DCGAN step at batch 1024) come from glibc's main heap, which
  the settings above keep. A worker thread's heap holds 64 MiB at most,
  and glibc maps anything larger afresh whatever its tunables: that step
  spent 0.72-0.86 s of kernel time per step on it, and ran 1.26x as
  fast without it, smaller steps 1.16-1.19x (benchmarks/RESULTS.md,
  "Synchronous dispatch on CPU"). The loop loses nothing it used: on CPU
  the host and the "device" share the cores.

A setting the user already chose (the XLA flag, any GLIBC_TUNABLES, or
JAX_CPU_ENABLE_ASYNC_DISPATCH in the environment) is left as it is.

And one compiler option (`compile_step`) for a population whose members
are unrolled.
"""
from collections.abc import Mapping
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # JAX is not imported here: `apply` runs before it starts.
  import jax

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
  configure_jax()


ASYNC_DISPATCH_ENV = 'JAX_CPU_ENABLE_ASYNC_DISPATCH'


def configure_jax() -> None:
  """JAX's CPU dispatch: synchronous unless the environment says
  otherwise. Call before JAX starts its CPU backend."""
  import jax  # pylint: disable=g-import-not-at-top
  chosen = os.environ.get(ASYNC_DISPATCH_ENV, 'false').lower()
  jax.config.update('jax_cpu_enable_async_dispatch',
                    chosen in ('1', 'true', 'yes'))


# XLA:CPU's default scheduler orders a program for concurrency, so P
# unrolled members, being independent, run interleaved and each keeps its
# temporaries alive: DCGAN's P = 8 needed 963 MB of them, 8.6 times a lone
# step's. Scheduled for memory, the members share them (338 MB).
_MEMORY_SCHEDULER = {'xla_cpu_scheduler_type':
                     'CPU_SCHEDULER_TYPE_MEMORY_OPTIMIZED'}


def compile_step(lowered: 'jax.stages.Lowered', platform: str,
                 unrolled_members: bool = False) -> 'jax.stages.Compiled':
  """`lowered.compile()`, scheduled for memory on CPU where the step
  unrolls a population's members.

  Only there: the 2014 model's lone step ran 1.1-1.2x slower under that
  scheduler, and its vmapped population lost speed too
  (benchmarks/RESULTS.md, "Populations scheduled for memory").
  """
  if platform == 'cpu' and unrolled_members:
    return lowered.compile(_MEMORY_SCHEDULER)
  return lowered.compile()


def temp_bytes(compiled: 'jax.stages.Compiled') -> int:
  """The scratch buffer XLA allocates for every call of `compiled`."""
  return compiled.memory_analysis().temp_size_in_bytes
