"""Sweeps, their report, and the TPU launcher's dry run."""
import csv
import json
import pathlib
import subprocess
import sys

import pytest
from PIL import Image

from gan_jax import report, sweep
from gan_jax.errors import ConfigError
from tiny import overrides_for

ROOT = pathlib.Path(__file__).resolve().parents[1]
DCGAN = str(ROOT / 'experiments' / 'dcgan.py')


def _sweep_file(tmp_path, points, config=DCGAN) -> str:
  path = tmp_path / 'my_sweep.py'
  path.write_text(f'CONFIG = {config!r}\n'
                  f'def get_sweep():\n  return {points!r}\n')
  return str(path)


def test_grid_and_point_names():
  grid = sweep.product({'seed': [0, 1], 'optim.g.learning_rate': [1e-4, 2e-4]})
  assert grid == [{'seed': 0, 'optim.g.learning_rate': 1e-4},
                  {'seed': 0, 'optim.g.learning_rate': 2e-4},
                  {'seed': 1, 'optim.g.learning_rate': 1e-4},
                  {'seed': 1, 'optim.g.learning_rate': 2e-4}]
  names = sweep.point_names([{'a': 1, 'b': (2, 3)}, {'a': 2, 'b': (2, 3)}])
  assert names == ['a=1', 'a=2']   # only the varying key names a point


def test_bad_sweep_files_fail_before_anything_runs(tmp_path):
  with pytest.raises(ConfigError, match='not found'):
    sweep.load(str(tmp_path / 'nope.py'))
  with pytest.raises(ConfigError, match="'optim.g.lr' is not in"):
    sweep.load(_sweep_file(tmp_path, [{'optim.g.lr': 1.0}]))
  with pytest.raises(ConfigError, match='non-empty list'):
    sweep.load(_sweep_file(tmp_path, []))


def test_population_target_only_for_seed_and_lr_points(tmp_path):
  ok = sweep.Sweep(DCGAN, [
      {'seed': 3, 'optim.g.learning_rate': 1e-4, 'optim.d.learning_rate': 1e-4},
      {'seed': 4, 'optim.g.learning_rate': 2e-4, 'optim.d.learning_rate': 2e-4}])
  overrides, points = sweep.as_population(ok, str(tmp_path))
  assert overrides == {'population': 2, 'seed': 3,
                       'population_lrs': '0.0001,0.0002'}
  assert points[1].workdir.endswith('population/members/1')
  for bad, why in [
      ([{'seed': 0, 'model.width': 4}, {'seed': 1, 'model.width': 8}],
       'also changes'),
      ([{'seed': 0}, {'seed': 2}], 'consecutive seeds'),
      ([{'optim.g.learning_rate': 1e-4}], 'one learning rate')]:
    with pytest.raises(ConfigError, match=why):
      sweep.as_population(sweep.Sweep(DCGAN, bad), str(tmp_path))


def test_local_target_runs_each_point_in_its_own_workdir(tmp_path):
  todo, points = sweep.commands(
      sweep.Sweep(DCGAN, [{'seed': 0}, {'seed': 1}]), str(tmp_path), 'local')
  assert [p.workdir for p in points] == [str(tmp_path / 'seed=0'),
                                         str(tmp_path / 'seed=1')]
  assert todo[1][1:] == ['local', DCGAN, f'--workdir={tmp_path / "seed=1"}',
                         '--config.seed=1']
  with pytest.raises(ConfigError, match='choose one of: local, population'):
    sweep.commands(sweep.Sweep(DCGAN, [{}]), str(tmp_path), 'cloud')


def test_sweep_as_population_then_report(tmp_path):
  common = {**overrides_for('dcgan'), 'train.num_steps': 4,
            'train.log_every': 2, 'train.checkpoint_every': 100,
            'train.sample_every': 100}
  points = [{**common, 'seed': s} for s in (0, 1)]
  root = tmp_path / 'sweep'
  subprocess.run([str(ROOT / 'launch.sh'), 'sweep', _sweep_file(tmp_path,
                                                                points),
                  f'--workdir={root}', '--target=population'],
                 check=True, capture_output=True, timeout=300,
                 env={**__import__('os').environ, 'PYTHON': sys.executable})
  index = json.loads((root / 'sweep.json').read_text())
  assert [p['name'] for p in index['points']] == ['seed=0', 'seed=1']

  result = subprocess.run(
      [sys.executable, '-m', 'gan_jax.report', str(root), '--metric=g_loss'],
      cwd=ROOT, check=True, capture_output=True, text=True, timeout=120)
  assert result.stdout.startswith('| point | step | g_loss |')
  rows = list(csv.DictReader((root / 'report.csv').open()))
  assert sorted(r['point'] for r in rows) == ['seed=0', 'seed=1']
  assert all(r['step'] == '4' for r in rows)
  losses = [float(r['g_loss']) for r in rows]
  assert losses == sorted(losses)           # lower is better: ascending
  assert losses[0] != losses[1]             # two different GANs
  assert Image.open(root / 'report.png').size[0] > 100
  with pytest.raises(ConfigError, match='logged metrics: .*d_loss'):
    report.write_report(str(root), 'eval/fid')


def test_tpu_dry_run_prints_the_commands_for_every_worker():
  result = subprocess.run(
      [str(ROOT / 'launch.sh'), 'tpu', '--tpu', 'my-pod', '--zone',
       'us-central2-b', '--project', 'proj', '--dry-run', 'experiments/dcgan.py',
       '--workdir=gs://bucket/run', '--config.train.num_steps=5'],
      capture_output=True, text=True, timeout=60, check=True)
  lines = result.stdout.splitlines()
  assert len(lines) == 3 and lines[0].startswith('tar czf')
  assert lines[1].startswith('gcloud compute tpus tpu-vm scp')
  ssh = lines[2]
  assert ssh.startswith('gcloud compute tpus tpu-vm ssh my-pod')
  for part in ('--zone=us-central2-b', '--project=proj', '--worker=all',
               'gan_jax.main', 'gs://bucket/run',
               'config.train.num_steps=5'):
    assert part in ssh, part
  missing = subprocess.run(
      [str(ROOT / 'launch.sh'), 'tpu', '--tpu', 'x', '--zone', 'z',
       'experiments/dcgan.py'], capture_output=True, text=True, timeout=60)
  assert missing.returncode == 2 and 'gs://' in missing.stderr
