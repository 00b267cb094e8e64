"""gan_jax.cpu_speed adds its settings and never overrides the user's."""
import os
import subprocess
import sys
import types

import jax
import numpy as np
import pytest

from gan_jax import cpu_speed


def test_adds_both_settings_to_an_empty_environment():
  env = cpu_speed.environment({})
  assert env['XLA_FLAGS'] == cpu_speed.XLA_FLAG
  assert env['GLIBC_TUNABLES'] == cpu_speed.GLIBC_TUNABLE


def test_keeps_the_users_flags_and_choices():
  env = cpu_speed.environment({
      'XLA_FLAGS': '--xla_force_host_platform_device_count=8',
      'GLIBC_TUNABLES': 'glibc.malloc.hugetlb=0', 'HOME': '/h'})
  assert env['XLA_FLAGS'] == ('--xla_force_host_platform_device_count=8 '
                              + cpu_speed.XLA_FLAG)
  assert env['GLIBC_TUNABLES'] == 'glibc.malloc.hugetlb=0'
  assert env['HOME'] == '/h'
  chosen = {'XLA_FLAGS': '--xla_cpu_experimental_ynn_fusion_type=+dot'}
  assert cpu_speed.environment(chosen)['XLA_FLAGS'] == chosen['XLA_FLAGS']


def _applied(**env) -> list[str]:
  """What a fresh command prints after `cpu_speed.apply()`."""
  env.update({k: v for k, v in os.environ.items()
              if k not in ('XLA_FLAGS', 'GLIBC_TUNABLES',
                           cpu_speed.ASYNC_DISPATCH_ENV)})
  code = ('import os; print("start", flush=True); '
          'from gan_jax import cpu_speed; cpu_speed.apply(); import jax; '
          'print(os.environ["GLIBC_TUNABLES"], os.environ["XLA_FLAGS"], '
          'jax.config.values["jax_cpu_enable_async_dispatch"])')
  return subprocess.run([sys.executable, '-c', code], env=env, check=True,
                        capture_output=True, text=True,
                        timeout=60).stdout.splitlines()


def test_apply_restarts_the_command_under_the_settings_once():
  assert _applied() == [
      'start', 'start',
      f'{cpu_speed.GLIBC_TUNABLE} {cpu_speed.XLA_FLAG} False']


def test_apply_leaves_a_chosen_dispatch_alone():
  assert _applied(JAX_CPU_ENABLE_ASYNC_DISPATCH='true')[-1].endswith('True')


class _Lowered:
  """Records compile() calls; each returns temporaries of the given size."""

  def __init__(self, plain_bytes: int, split_bytes: int):
    self.sizes, self.calls = (plain_bytes, split_bytes), []

  def compile(self, options=None):
    self.calls.append(options)
    temp = self.sizes[options is not None]
    return types.SimpleNamespace(
        options=options, memory_analysis=lambda: types.SimpleNamespace(
            temp_size_in_bytes=temp))


def test_temporaries_are_split_where_that_keeps_them():
  mib = 2**20
  split = {'xla_multiheap_size_constraint_per_heap': cpu_speed.HEAP_BYTES}
  # Other platforms, and a lone step that one heap holds: compiled as is.
  for platform, temp in (('gpu', 900 * mib), ('cpu', 50 * mib)):
    lowered = _Lowered(temp, temp)
    assert cpu_speed.compile_step(lowered, platform).options is None
    assert lowered.calls == [None]
  # A big lone step keeps the split form unless the split grows it.
  assert cpu_speed.compile_step(_Lowered(219 * mib, 219 * mib),
                                'cpu').options == split
  assert cpu_speed.compile_step(_Lowered(866 * mib, 1101 * mib),
                                'cpu').options is None
  # A population is always split, in one compilation: a vmapped one into
  # smaller heaps, an unrolled one into a lone step's and scheduled for
  # memory.
  lowered = _Lowered(20 * mib, 20 * mib)
  assert cpu_speed.compile_step(lowered, 'cpu', members=8).options == {
      'xla_multiheap_size_constraint_per_heap':
          cpu_speed.POPULATION_HEAP_BYTES}
  assert len(lowered.calls) == 1
  lowered = _Lowered(900 * mib, 900 * mib)
  assert cpu_speed.compile_step(lowered, 'cpu', members=8,
                                unrolled=True).options == {
      **split,
      'xla_cpu_scheduler_type': 'CPU_SCHEDULER_TYPE_MEMORY_OPTIMIZED'}
  assert len(lowered.calls) == 1


def test_xla_knows_the_compile_options():
  """A renamed option would fail every CPU population's compilation."""
  lowered = jax.jit(lambda x: 2 * x).lower(np.arange(3))
  options = {'xla_multiheap_size_constraint_per_heap': cpu_speed.HEAP_BYTES,
             'xla_cpu_scheduler_type': 'CPU_SCHEDULER_TYPE_MEMORY_OPTIMIZED'}
  np.testing.assert_array_equal(lowered.compile(options)(np.arange(3)),
                                [0, 2, 4])
  with pytest.raises(Exception, match='no_such_option'):
    lowered.compile({'no_such_option': 1})
