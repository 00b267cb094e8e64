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
  """Records the options of each compile() call."""

  def __init__(self):
    self.calls = []

  def compile(self, options=None):
    self.calls.append(options)
    return options


def test_only_unrolled_members_on_cpu_are_scheduled_for_memory():
  memory = {'xla_cpu_scheduler_type': 'CPU_SCHEDULER_TYPE_MEMORY_OPTIMIZED'}
  for platform, unrolled, options in (('cpu', True, memory),
                                      ('cpu', False, None),
                                      ('gpu', True, None)):
    lowered = _Lowered()
    assert cpu_speed.compile_step(lowered, platform, unrolled) == options
    assert lowered.calls == [options]


def test_xla_knows_the_compile_option():
  """A renamed option would fail every CPU population's compilation."""
  lowered = jax.jit(lambda x: 2 * x).lower(np.arange(3))
  options = {'xla_cpu_scheduler_type': 'CPU_SCHEDULER_TYPE_MEMORY_OPTIMIZED'}
  np.testing.assert_array_equal(lowered.compile(options)(np.arange(3)),
                                [0, 2, 4])
  with pytest.raises(Exception, match='no_such_option'):
    lowered.compile({'no_such_option': 1})
