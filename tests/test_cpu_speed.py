"""gan_jax.cpu_speed adds its settings and never overrides the user's."""
import os
import subprocess
import sys

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


def test_apply_restarts_the_command_under_the_settings_once():
  env = {k: v for k, v in os.environ.items()
         if k not in ('XLA_FLAGS', 'GLIBC_TUNABLES')}
  code = ('import os; print("start", flush=True); '
          'from gan_jax import cpu_speed; cpu_speed.apply(); '
          'print(os.environ["GLIBC_TUNABLES"], os.environ["XLA_FLAGS"])')
  out = subprocess.run([sys.executable, '-c', code], env=env, check=True,
                       capture_output=True, text=True, timeout=60).stdout
  assert out.splitlines() == [
      'start', 'start', f'{cpu_speed.GLIBC_TUNABLE} {cpu_speed.XLA_FLAG}']


def test_cpu_populations_split_their_temporaries_into_heaps_xla_knows():
  """Only a population on CPU gets the heap limit, and XLA accepts it (a
  renamed option would fail every population's compilation)."""
  assert cpu_speed.compiler_options('gpu', members=8) is None
  assert cpu_speed.compiler_options('cpu', members=1) is None
  options = cpu_speed.compiler_options('cpu', members=8)
  assert options == {'xla_multiheap_size_constraint_per_heap':
                     cpu_speed.POPULATION_HEAP_BYTES}
  twice = jax.jit(lambda x: 2 * x, compiler_options=options)
  np.testing.assert_array_equal(twice(np.arange(3)), [0, 2, 4])
  with pytest.raises(Exception, match='no_such_option'):
    jax.jit(lambda x: 2 * x, compiler_options={'no_such_option': 1})(1)
