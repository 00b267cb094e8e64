"""What happens when things go wrong: each guarantee, provoked on purpose."""
import errno
import json
import logging
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np
import orbax.checkpoint as ocp
import pytest

from gan_jax import train, workdir_lock
from gan_jax.errors import CheckpointError, ConfigError, NonFiniteError
from tiny import as_flags, overrides_for, tiny_config

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _config(num_steps, **extra):
  return tiny_config('maxout_mlp', **{
      'train__num_steps': num_steps, 'train__checkpoint_every': 4,
      'train__sample_every': 100, 'train__log_every': 2,
      'data__split': 'train[:160]', **extra})


def _assert_same(a, b):
  for (path, x), y in zip(jax.tree_util.tree_leaves_with_path(a),
                          jax.tree.leaves(b)):
    np.testing.assert_array_equal(np.asarray(x), np.asarray(y),
                                  err_msg=jax.tree_util.keystr(path))


@pytest.fixture(scope='module')
def straight(tmp_path_factory):
  return train.train_and_evaluate(_config(8), str(tmp_path_factory.mktemp('s')))


def test_same_seed_same_bits(straight, tmp_path):
  _assert_same(straight, train.train_and_evaluate(_config(8), str(tmp_path)))


def _truncate(folder: pathlib.Path):
  for f in folder.rglob('*'):
    if f.is_file() and f.stat().st_size > 16:
      f.write_bytes(f.read_bytes()[:f.stat().st_size // 2])


def _garble(folder: pathlib.Path):
  files = [f for f in (folder / 'state').rglob('*') if f.is_file()]
  biggest = max(files, key=lambda f: f.stat().st_size)
  data = bytearray(biggest.read_bytes())
  for i in range(len(data) // 3, len(data) // 3 + 64):
    data[i] ^= 0x5A
  biggest.write_bytes(bytes(data))


@pytest.mark.parametrize('corrupt', [_truncate, _garble])
def test_corrupt_latest_checkpoint_falls_back_and_is_kept(
    straight, tmp_path, corrupt, caplog):
  train.train_and_evaluate(_config(8), str(tmp_path))
  corrupt(tmp_path / 'checkpoints' / '8')
  with caplog.at_level(logging.WARNING):
    resumed = train.train_and_evaluate(_config(8), str(tmp_path))
  _assert_same(straight, resumed)   # redid steps 5-8 from checkpoint 4
  warning = [r.getMessage() for r in caplog.records if 'is corrupt' in
             r.getMessage()]
  assert warning and 'checkpoint 8 is corrupt' in warning[0] and \
      'resumed from checkpoint 4' in warning[0]
  assert (tmp_path / 'corrupt_checkpoints' / '8').is_dir()


def test_only_checkpoint_corrupt_is_an_error_and_not_deleted(tmp_path):
  train.train_and_evaluate(_config(4), str(tmp_path))
  _truncate(tmp_path / 'checkpoints' / '4')
  with pytest.raises(CheckpointError, match='steps 4 are corrupt'):
    train.train_and_evaluate(_config(8), str(tmp_path))
  assert (tmp_path / 'corrupt_checkpoints' / '4' / 'state').is_dir()


def test_incompatible_resume_names_the_fields(tmp_path):
  train.train_and_evaluate(_config(4), str(tmp_path))
  before = sorted(p for p in tmp_path.rglob('*') if p.name != '.lock')
  with pytest.raises(ConfigError, match=r'model.d_units: 8 -> 16') as e:
    train.train_and_evaluate(_config(8, model__d_units=16), str(tmp_path))
  assert '\n' not in str(e.value)
  assert sorted(p for p in tmp_path.rglob('*') if p.name != '.lock') == before
  # Changing only the loop's cadence and length is fine, and recorded.
  train.train_and_evaluate(_config(6, train__log_every=3), str(tmp_path))
  record = json.loads((tmp_path / 'resumes.jsonl').read_text())
  assert record['step'] == 4
  assert record['changed'] == {'train.log_every': [2, 3],
                               'train.num_steps': [4, 6]}


FIRST_BAD = 13


@pytest.fixture
def nan_data_from_step_13(monkeypatch):
  """Real batches turn to NaN from update 13 on, as a corrupt input would."""
  clean = train.sample_real

  def poisoned(dataset, key, step, *args, **kwargs):
    real = clean(dataset, key, step, *args, **kwargs)
    return jnp.where(step + 1 >= FIRST_BAD, jnp.nan, real)

  monkeypatch.setattr(train, 'sample_real', poisoned)


def _nan_config(**extra):
  return tiny_config('dcgan', **{
      'train__num_steps': 30, 'train__log_every': 5,
      'train__checkpoint_every': 5, 'train__sample_every': 100, **extra})


def test_nan_stops_within_log_every_and_keeps_last_good_checkpoint(
    tmp_path, nan_data_from_step_13):
  with pytest.raises(NonFiniteError) as e:
    train.train_and_evaluate(_nan_config(), str(tmp_path))
  assert str(e.value) == (
      'non-finite d_loss, g_loss, d_grads, g_grads at step 13; stopped before saving anything '
      'from it (last good checkpoint: 10); lower the learning rate or set '
      '--config.train.on_nonfinite=skip')
  assert sorted(int(p.name) for p in (tmp_path / 'checkpoints').iterdir()) \
      == [5, 10]
  logged = [json.loads(l)['step'] for l in
            (tmp_path / 'metrics.jsonl').read_text().splitlines()]
  assert logged == [5, 10]
  state = ocp.StandardCheckpointer().restore(
      tmp_path / 'checkpoints' / '10' / 'state')
  assert all(np.all(np.isfinite(x)) for x in jax.tree.leaves(state)
             if np.issubdtype(np.asarray(x).dtype, np.floating))


def test_nan_skip_mode_drops_the_bad_updates(tmp_path, nan_data_from_step_13):
  state = train.train_and_evaluate(_nan_config(train__on_nonfinite='skip'),
                                   str(tmp_path))
  assert int(state.step) == 30
  saved = ocp.StandardCheckpointer().restore(
      tmp_path / 'checkpoints' / '30' / 'state')
  # Every update from 13 on was skipped: the parameters are those of step 12,
  # and they are finite.
  assert all(np.all(np.isfinite(x)) for x in jax.tree.leaves(state.g_params))
  jax.tree.map(np.testing.assert_array_equal, saved['g_params'],
               jax.device_get(state.g_params))
  clean = train.train_and_evaluate(
      _nan_config(train__num_steps=12), str(tmp_path / 'clean'))
  jax.tree.map(np.testing.assert_array_equal, jax.device_get(clean.g_params),
               jax.device_get(state.g_params))


def test_disk_full_during_save_is_reported_and_earlier_kept(tmp_path,
                                                            monkeypatch):
  real_save, calls = ocp.CheckpointManager.save, []

  def save(self, step, *args, **kwargs):
    calls.append(step)
    if len(calls) > 1:
      raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return real_save(self, step, *args, **kwargs)

  monkeypatch.setattr(ocp.CheckpointManager, 'save', save)
  with pytest.raises(CheckpointError, match='No space left on device') as e:
    train.train_and_evaluate(_config(8), str(tmp_path))
  assert 'complete checkpoints left untouched: 4' in str(e.value)
  assert (tmp_path / 'checkpoints' / '4' / 'state').is_dir()


def _cli(workdir, *flags, **kwargs):
  flags = flags or tuple(as_flags(overrides_for('dcgan')))
  return subprocess.Popen(
      [sys.executable, '-m', 'gan_jax.main', '--config=experiments/dcgan.py',
       f'--workdir={workdir}', *flags], cwd=ROOT, text=True,
      stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def test_second_run_on_a_busy_workdir_refuses(tmp_path):
  with workdir_lock.hold(tmp_path):
    result = _cli(tmp_path)
    _, err = result.communicate(timeout=120)
  assert result.returncode == 2
  assert f'workdir {tmp_path} is in use by another run (pid {os.getpid()}' \
      in err
  assert not (tmp_path / 'checkpoints').exists()


def test_lock_of_a_killed_run_is_taken_over(tmp_path):
  holder = subprocess.Popen(
      [sys.executable, '-c', 'import pathlib, sys, time; from etils import '
       'epath; from gan_jax import workdir_lock\n'
       f'with workdir_lock.hold(epath.Path({str(tmp_path)!r})):\n'
       '  print("held", flush=True); time.sleep(600)'],
      cwd=ROOT, stdout=subprocess.PIPE, text=True)
  assert holder.stdout.readline().strip() == 'held'
  with pytest.raises(ConfigError, match='in use'):
    with workdir_lock.hold(tmp_path):
      pass
  holder.kill()
  holder.wait()
  with workdir_lock.hold(tmp_path):
    pass


def test_sigterm_saves_a_checkpoint_and_exits_promptly(tmp_path):
  flags = as_flags(overrides_for('dcgan', **{
      'train.num_steps': 100000, 'train.log_every': 1,
      'train.checkpoint_every': 100000}))
  run = _cli(tmp_path, *flags)
  metrics = tmp_path / 'metrics.jsonl'
  deadline = time.time() + 120
  while not (metrics.exists() and metrics.read_text().count('\n') >= 3):
    assert time.time() < deadline and run.poll() is None
    time.sleep(0.2)
  sent = time.time()
  run.send_signal(signal.SIGTERM)
  _, err = run.communicate(timeout=60)
  assert time.time() - sent < 30
  assert run.returncode == 128 + signal.SIGTERM
  stopped = int(err.split('at step ')[-1].split(';')[0])
  assert [p.name for p in (tmp_path / 'checkpoints').iterdir()] == \
      [str(stopped)]
  assert 'run the same command to resume' in err


def test_bad_files_and_workdirs_are_one_line_exit_2(tmp_path):
  data = tmp_path / 'mnist'
  shutil.copytree(pathlib.Path(os.environ['GAN_JAX_DATA_DIR']) / 'mnist', data)
  (data / 'train-labels-idx1-ubyte.gz').write_bytes(b'not a gzip file')
  cases = {
      'corrupt IDX': ([f'--config.data.dir={data}'], tmp_path / 'w1',
                      'train-labels-idx1-ubyte.gz'),
      'workdir under a file': ([], tmp_path / 'mnist' / 't10k-images-idx3-'
                               'ubyte.gz' / 'run', 'cannot create workdir'),
  }
  for name, (extra, workdir, expected) in cases.items():
    run = _cli(workdir, *as_flags(overrides_for('dcgan')), *extra,
               env={**os.environ, 'TFDS_DATA_DIR': str(tmp_path / 'tfds')})
    _, err = run.communicate(timeout=120)
    lines = [l for l in err.splitlines() if l.startswith('error:')]
    assert run.returncode == 2, (name, err[-2000:])
    assert len(lines) == 1 and expected in lines[0], (name, err[-2000:])
    assert 'Traceback' not in err
