"""Multi-host training, proven with real processes on this machine.

Two processes with 4 CPU devices each, joined by jax.distributed on
localhost (`launch.sh multiprocess`), form the same 8-device mesh as one
process with 8 devices, so they must compute the same parameters. And when
one process dies, the other must stop with an error, not wait forever.
"""
import os
import pathlib
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from gan_jax import distributed, saved_run
from gan_jax.errors import ConfigError
from tiny import as_flags, device_flags, overrides_for

ROOT = pathlib.Path(__file__).resolve().parents[1]
TINY = as_flags(overrides_for('dcgan', **{
    'train.num_steps': 6, 'train.checkpoint_every': 100,
    'train.sample_every': 100, 'train.log_every': 2}))


def _env(devices: int, **extra) -> dict[str, str]:
  env = {k: v for k, v in os.environ.items()
         if not k.startswith('GAN_JAX_') or k == 'GAN_JAX_DATA_DIR'}
  return dict(env, XLA_FLAGS=device_flags(devices), JAX_PLATFORMS='cpu',
              PYTHON=sys.executable, **extra)


def test_two_processes_of_four_devices_match_one_of_eight(tmp_path):
  multi, single = tmp_path / 'multi', tmp_path / 'single'
  result = subprocess.run(
      [str(ROOT / 'launch.sh'), 'multiprocess', '2', 'experiments/dcgan.py',
       f'--workdir={multi}', *TINY], env=_env(4), capture_output=True,
      text=True, timeout=300)
  assert result.returncode == 0, result.stdout[-3000:]
  # Both processes ran, and only process 0 logged progress.
  assert '[0] ' in result.stdout and '[1] ' in result.stdout
  progress = [l for l in result.stdout.splitlines() if 'step 6/6' in l]
  assert progress and all(l.startswith('[0] ') for l in progress)
  subprocess.run([str(ROOT / 'launch.sh'), 'local', 'experiments/dcgan.py',
                  f'--workdir={single}', *TINY], env=_env(8), check=True,
                 capture_output=True, timeout=300)
  a, b = saved_run.state_arrays(multi), saved_run.state_arrays(single)
  assert a.keys() == b.keys() and len(a) > 10
  for name in a:
    np.testing.assert_allclose(a[name], b[name], atol=1e-4, rtol=0,
                               err_msg=name)
  # The run really changed the parameters (so equality is not trivial).
  assert int(np.asarray(a['.step'])) == 6


class _Pair:
  """Two processes of one run on localhost, training until stopped."""

  def __init__(self, tmp_path):
    self.workdir = tmp_path / 'run'
    flags = as_flags(overrides_for('dcgan', **{
        'train.num_steps': 100_000, 'train.checkpoint_every': 5,
        'train.log_every': 5, 'train.sample_every': 100_000}))
    self.log_paths = [tmp_path / f'p{i}.log' for i in range(2)]
    self._logs = [p.open('w') for p in self.log_paths]
    port = subprocess.check_output(
        [sys.executable, '-c', 'import socket; s = socket.socket(); '
         's.bind(("localhost", 0)); print(s.getsockname()[1])'], text=True)
    self.procs = [subprocess.Popen(
        [sys.executable, '-m', 'gan_jax.main',
         '--config=experiments/dcgan.py', f'--workdir={self.workdir}', *flags],
        cwd=ROOT, stdout=self._logs[i], stderr=subprocess.STDOUT,
        env=_env(2, GAN_JAX_COORDINATOR=f'localhost:{port.strip()}',
                 GAN_JAX_NUM_PROCESSES='2', GAN_JAX_PROCESS_ID=str(i),
                 GAN_JAX_HEARTBEAT_TIMEOUT='5')) for i in range(2)]

  def wait_for_checkpoint(self, step: int) -> None:
    deadline = time.monotonic() + 240
    while not (self.workdir / 'checkpoints' / str(step)).exists():
      assert time.monotonic() < deadline, 'training never got going'
      assert all(p.poll() is None for p in self.procs), 'a process died early'
      time.sleep(0.5)

  def close(self) -> list[str]:
    for p in self.procs:
      p.kill()
    for f in self._logs:
      f.close()
    return [p.read_text() for p in self.log_paths]


def test_a_dead_process_stops_the_others_with_an_error(tmp_path):
  pair = _Pair(tmp_path)
  try:
    pair.wait_for_checkpoint(10)
    pair.procs[1].send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    rc = pair.procs[0].wait(timeout=120)   # a hang fails the test here
    waited = time.monotonic() - killed_at
  finally:
    log = pair.close()[0]
  assert rc != 0
  assert 'another task died' in log or 'stopped sending heartbeats' in log
  assert waited < 60, waited
  # The checkpoints written before the failure are intact.
  assert saved_run.load_run(str(pair.workdir)).step >= 10


def test_a_preempted_host_stops_every_host_at_the_same_step(tmp_path):
  pair = _Pair(tmp_path)
  try:
    pair.wait_for_checkpoint(10)
    pair.procs[1].send_signal(signal.SIGTERM)   # only one host is told
    codes = [p.wait(timeout=120) for p in pair.procs]
  finally:
    logs = pair.close()
  assert codes == [128 + signal.SIGTERM] * 2, logs[0][-2000:]
  stops = [re.search(r'stopped by signal 15 at step (\d+)', log)
           for log in logs]
  assert all(stops), logs[0][-2000:]
  step = int(stops[0].group(1))
  assert int(stops[1].group(1)) == step and step % 5 == 0
  assert saved_run.load_run(str(pair.workdir)).step == step


def test_layout_comes_from_flags_or_environment():
  env = {'GAN_JAX_COORDINATOR': 'h:1', 'GAN_JAX_NUM_PROCESSES': '4',
         'GAN_JAX_PROCESS_ID': '3'}
  assert distributed.layout_from(environ=env) == ('h:1', 4, 3)
  assert distributed.layout_from('x:2', 2, 0, environ=env) == ('x:2', 2, 0)
  assert distributed.layout_from(environ={}) is None
  with pytest.raises(ConfigError, match='missing process_id'):
    distributed.layout_from('h:1', 2, environ={})
  with pytest.raises(ConfigError, match=r'must be in \[0, num_processes=2\)'):
    distributed.layout_from('h:1', 2, 2, environ={})
  assert distributed.on_tpu_pod({'TPU_WORKER_HOSTNAMES': 'a,b'})
  assert not distributed.on_tpu_pod({'TPU_WORKER_HOSTNAMES': 'a'})


def test_one_process_stops_at_once_without_talking_to_anyone():
  assert distributed.should_stop(True, sync_point=False)
  assert not distributed.should_stop(False, sync_point=True)
