"""The command line: a real run's outputs, and one-line errors for bad input."""
import json
import os
import pathlib
import subprocess
import sys

import pytest

from tiny import as_flags, overrides_for

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _main(*args, env=None):
  return subprocess.run(
      [sys.executable, '-m', 'gan_jax.main', *args], cwd=ROOT, text=True,
      capture_output=True, timeout=300, env={**os.environ, **(env or {})})


def test_run_writes_checkpoint_samples_metrics_and_tensorboard(tmp_path):
  flags = as_flags(overrides_for('dcgan', **{
      'train.num_steps': 6, 'train.log_every': 2, 'train.sample_every': 3,
      'train.checkpoint_every': 3}))
  result = _main('--config=experiments/dcgan.py', f'--workdir={tmp_path}',
                 *flags)
  assert result.returncode == 0, result.stderr[-3000:]
  assert sorted(p.name for p in (tmp_path / 'checkpoints').iterdir()) == \
      ['3', '6']
  assert sorted(p.name for p in (tmp_path / 'samples').iterdir()) == \
      ['step_0000003.png', 'step_0000006.png']
  records = [json.loads(l) for l in
             (tmp_path / 'metrics.jsonl').read_text().splitlines()]
  assert [r['step'] for r in records] == [2, 4, 6]
  assert {'d_loss', 'g_loss', 'd_real', 'd_fake', 'steps_per_sec'} <= \
      set(records[0])
  assert list((tmp_path / 'tensorboard').glob('events.out.tfevents.*'))
  assert 'step 6/6' in result.stderr and 'ETA' in result.stderr


@pytest.mark.parametrize('args,expected', [
    (['--config.train.num_step=5'],
     "unknown config key config.train.num_step (did you mean 'num_steps'?)"),
    (['--config.trian.num_steps=5'], "(did you mean 'train'?)"),
    (['--config.train.num_steps=many'],
     "config.train.num_steps expects a value of type int, got 'many'"),
    (['--config.data.name=cifar'],
     "unknown dataset 'cifar': choose one of mnist, fashion_mnist"),
    (['--config.model.name=resnet'],
     "unknown model 'resnet'; choose one of: began, cyclegan, dcgan, gmmn, "
     "maxout_mlp, mlp, progan"),
    (['--config.loss.name=hinje'], "unknown loss 'hinje'; choose one of:"),
    (['--config.loss.penalty=gradient'],
     "unknown penalty 'gradient'; choose one of: gp, none, r1"),
    (['--config.optim.g.name=lamb'], "unknown optimizer 'lamb'"),
    (['--config.train.update_scheme=both'],
     "unknown train.update_scheme 'both'; choose one of: alternating, "
     'simultaneous'),
    (['--config.train.batch_size=0'], 'config.train.batch_size=0 must be >= 1'),
    (['--config.population_loop=scan'],
     "unknown population_loop 'scan'; choose one of: auto, vmap, unroll"),
    (['--config.optim.g.decay_to=2.0'],
     'config.optim.g.decay_to=2.0 must be in [0, 1]'),
    (['--config.data.dir=/nonexistent'], 'data dir /nonexistent does not exist'),
])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, args,
                                                         expected):
  workdir = tmp_path / 'run'
  result = _main('--config=experiments/dcgan.py', f'--workdir={workdir}',
                 *args)
  assert result.returncode == 2, result.stderr[-3000:]
  errors = [l for l in result.stderr.splitlines() if l.startswith('error:')]
  assert len(errors) == 1 and expected in errors[0], result.stderr[-3000:]
  assert 'Traceback' not in result.stderr
  assert not workdir.exists()


def test_missing_config_file_lists_the_experiments(tmp_path):
  result = _main('--config=experiments/dcgna.py', f'--workdir={tmp_path}/x')
  assert result.returncode == 2
  assert "config file 'experiments/dcgna.py' not found; available: " \
         in result.stderr
  listed = result.stderr.split('available: ')[1].strip().split(', ')
  assert 'experiments/dcgan.py' in listed and 'experiments/gan_mnist.py' in \
      listed


def test_missing_data_fails_fast_with_instructions(tmp_path):
  result = _main('--config=experiments/dcgan.py', f'--workdir={tmp_path}/x',
                 env={'GAN_JAX_DATA_DIR': str(tmp_path),
                      'TFDS_DATA_DIR': str(tmp_path / 'tfds')})
  assert result.returncode == 2
  assert 'GAN_JAX_DATA_DIR' in result.stderr and '--config.data.dir' in \
      result.stderr
