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
  afresh, and deletes a thread's heap as soon as it is empty). The price
  is that the process never gives that memory back while it runs; its
  peak stays bounded (benchmarks/memory.py).

- JAX's `jax_cpu_enable_async_dispatch` off: a single-device CPU program
  then runs on the thread that calls it, not on a worker thread of JAX's,
  so its temporaries come from glibc's main heap, which the settings above
  keep, where a worker thread's heap (64 MiB at most) maps anything larger
  afresh every call. A DCGAN step at batch 1024 spent 0.72-0.86 s of
  kernel time per step on that (2 cores), and ran 1.25x as fast without
  it (benchmarks/RESULTS.md, "Synchronous dispatch on CPU"). The loop
  loses nothing it used: on CPU the host and the "device" share the cores.

A setting the user already chose (the XLA flag, any GLIBC_TUNABLES, or
JAX_CPU_ENABLE_ASYNC_DISPATCH in the environment) is left as it is.

And one compiler option for the training step (`compile_step`): XLA:CPU
allocates a program's temporaries as one buffer per call, and past 64 MB
(a glibc thread heap) that buffer is mapped afresh every step and faulted
in again by the kernel. Split into heaps that fit, under the malloc
settings above they are kept: a P = 8 population of the 2014 model went
from 0.80x to 0.93x the rate of sequential runs, DCGAN's from 0.71x to
1.06x, and a lone DCGAN step at batch 256 ran 1.19x as fast
(benchmarks/RESULTS.md, "Temporaries kept"). An unrolled population is
also scheduled for memory rather than concurrency (see `compile_step`).
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


_HEAP_OPTION = 'xla_multiheap_size_constraint_per_heap'
# Heaps under the 64 MiB of a glibc thread heap, with room for its header.
HEAP_BYTES = 60 * 2**20
# A vmapped population's step needs smaller ones: the 2014 model's P = 8
# ran 0.94x the sequential rate with these, 0.92x with 8 MiB heaps
# (benchmarks/RESULTS.md, "Temporaries kept").
POPULATION_HEAP_BYTES = 16 * 2**20
# XLA:CPU's default scheduler orders a program for concurrency, so P
# unrolled members, being independent, run interleaved and each keeps its
# temporaries alive: DCGAN's P = 8 needed 963 MB of them, 8.6 times a lone
# step's. Scheduled for memory, the members share them (344 MB).
_MEMORY_SCHEDULER = {'xla_cpu_scheduler_type':
                     'CPU_SCHEDULER_TYPE_MEMORY_OPTIMIZED'}


def compile_step(lowered: 'jax.stages.Lowered', platform: str,
                 members: int = 1,
                 unrolled: bool = False) -> 'jax.stages.Compiled':
  """`lowered.compile()`, on CPU with its temporaries split into heaps that
  glibc keeps where that pays.

  A population's always are, in one compilation: a vmapped one into the
  small heaps above; an unrolled one (`unrolled`) into lone-step heaps and
  scheduled for memory, which took DCGAN's P = 8 from 0.91x to 0.95x the
  sequential rate (benchmarks/RESULTS.md, "Populations scheduled for
  memory"; the 2014 model's vmapped population lost speed under that
  scheduler, as did its lone step). A lone step's are split where one heap
  cannot hold them all and the split does not grow them: DCGAN at batch
  256 ran 1.19x as fast split, but at 1024, whose largest buffers exceed
  a heap anyway, the split stopped XLA sharing memory between buffers,
  its temporaries grew from 866 MB to 1.1 GB and it ran slower. So a lone
  step that big is compiled twice and keeps the better form.
  """
  if platform != 'cpu':
    return lowered.compile()
  if members > 1 and unrolled:
    return lowered.compile({_HEAP_OPTION: HEAP_BYTES, **_MEMORY_SCHEDULER})
  if members > 1:
    return lowered.compile({_HEAP_OPTION: POPULATION_HEAP_BYTES})
  plain = lowered.compile()
  if temp_bytes(plain) <= HEAP_BYTES:
    return plain
  split = lowered.compile({_HEAP_OPTION: HEAP_BYTES})
  return split if temp_bytes(split) <= 1.05 * temp_bytes(plain) else plain


def temp_bytes(compiled: 'jax.stages.Compiled') -> int:
  """The scratch buffer XLA allocates for every call of `compiled`."""
  return compiled.memory_analysis().temp_size_in_bytes
