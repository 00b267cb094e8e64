"""sample / evaluate / figures on a real (tiny) run, and eval during training."""
import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from gan_jax import train
from tiny import tiny_config

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture(scope='module')
def workdir(tmp_path_factory):
  path = tmp_path_factory.mktemp('run')
  config = tiny_config('dcgan', train__num_steps=4, train__checkpoint_every=4,
                       eval__every=2, eval__num_samples=200,
                       eval__metrics='fid,is')
  train.train_and_evaluate(config, str(path))
  return path


def _tool(name, *args):
  return subprocess.run([sys.executable, '-m', f'gan_jax.{name}', *args],
                        cwd=ROOT, capture_output=True, text=True, timeout=300,
                        env=dict(os.environ))


def test_training_evaluates_periodically(workdir):
  lines = [json.loads(l) for l in
           (workdir / 'metrics.jsonl').read_text().splitlines()]
  evals = [l for l in lines if 'eval/fid' in l]
  assert [l['step'] for l in evals] == [2, 4]
  assert all(l['eval/fid'] > 0 and 1 <= l['eval/is_mean'] <= 10 for l in evals)
  assert json.loads((workdir / 'eval' / 'step_0000004.json').read_text())[
      'num_samples'] == 200


def test_sample_writes_uint8_images_in_the_data_scale(workdir, tmp_path):
  out = tmp_path / 'samples.npz'
  result = _tool('sample', f'--workdir={workdir}', '--num=37', f'--out={out}')
  assert result.returncode == 0, result.stderr[-2000:]
  saved = np.load(out)
  assert saved['images'].shape == (37, 28, 28, 1)
  assert saved['images'].dtype == np.uint8 and int(saved['step']) == 4


def test_evaluate_prints_json_and_records_it(workdir):
  result = _tool('evaluate', f'--workdir={workdir}', '--metrics=fid,parzen',
                 '--num_samples=300')
  assert result.returncode == 0, result.stderr[-2000:]
  record = json.loads(result.stdout.strip().splitlines()[-1])
  assert record['step'] == 4 and record['num_samples'] == 300
  assert {'fid', 'parzen_ll', 'parzen_se', 'parzen_sigma'} <= set(record)
  assert json.loads((workdir / 'eval' / 'step_0000004.json').read_text()) == \
      record


def test_evaluate_rejects_unknown_metric_in_one_line(workdir):
  result = _tool('evaluate', f'--workdir={workdir}', '--metrics=fid,lpips')
  assert result.returncode == 2
  assert "error: unknown metric 'lpips'" in result.stderr


def test_tools_on_a_folder_without_checkpoints_fail_cleanly(tmp_path):
  result = _tool('sample', f'--workdir={tmp_path}', f'--out={tmp_path}/x.npz')
  assert result.returncode == 2 and 'no checkpoints in' in result.stderr


def test_figures_writes_nearest_neighbour_and_interpolation_grids(workdir):
  result = _tool('figures', f'--workdir={workdir}', '--rows=3', '--cols=5')
  assert result.returncode == 0, result.stderr[-2000:]
  for name in ('samples_nearest_step_0000004.png',
               'interpolation_step_0000004.png'):
    image = Image.open(workdir / 'figures' / name)
    # 3 rows and 5 columns of 28x28 tiles with 1-pixel borders.
    assert image.size == (5 * 29 + 1, 3 * 29 + 1)


def test_nearest_finds_exact_copies():
  from gan_jax.metrics.neighbours import nearest_index
  pool = np.random.RandomState(0).randint(0, 256, (500, 784)).astype(
      np.float32)
  assert list(nearest_index(pool[[7, 300, 42]], pool, batch_size=2)) == \
      [7, 300, 42]
