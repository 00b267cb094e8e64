"""Fault injection: SIGKILL a training run at random moments, restart it with
the same command each time, and check nothing was lost or changed.

  python benchmarks/faults.py [--kills=20] [--seed=0]

A reference run goes straight through; the victim run is killed `--kills`
times (during start-up, training steps and asynchronous checkpoint saves
alike) and restarted until it finishes. Printed JSON:
  kills, resumes, kills_during_save (a save's temporary directory existed),
  checkpoints_lost (a restart resumed from an older step than the newest
  complete checkpoint on disk at the kill; must be 0),
  mismatches (final arrays differing from the reference, bit for bit; must
  be 0), and wall times.
"""
import json
import os
import pathlib
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import jax
import numpy as np
import orbax.checkpoint as ocp
from absl import app, flags, logging

ROOT = pathlib.Path(__file__).resolve().parents[1]
_KILLS = flags.DEFINE_integer('kills', 20, 'SIGKILLs to deliver.')
_SEED = flags.DEFINE_integer('seed', 0, 'Seed for the kill times.')
_STEPS = flags.DEFINE_integer('steps', 20000, 'Length of the run.')

# The 2014 model, shrunk: SGD schedules, dropout and an EMA exercise every
# part of the state that a resume must restore.
OVERRIDES = ['--config.model.g_hidden=(32,32)', '--config.model.d_units=16',
             '--config.model.d_pieces=2', '--config.train.batch_size=32',
             '--config.train.ema_decay=0.99', '--config.train.log_every=10',
             '--config.train.checkpoint_every=100',
             '--config.train.sample_every=5000',
             '--config.data.split=train[:3200]']


def _command(workdir: pathlib.Path) -> list[str]:
  return [sys.executable, '-m', 'gan_jax.main',
          '--config=experiments/gan_mnist.py', f'--workdir={workdir}',
          f'--config.train.num_steps={_STEPS.value}', *OVERRIDES]


def _complete_steps(workdir: pathlib.Path) -> list[int]:
  folder = workdir / 'checkpoints'
  return sorted(int(p.name) for p in folder.glob('*') if p.name.isdigit()) \
      if folder.exists() else []


def _saving(workdir: pathlib.Path) -> bool:
  return any((workdir / 'checkpoints').glob('*.orbax-checkpoint-tmp*'))


def _final_arrays(workdir: pathlib.Path) -> dict:
  step = _complete_steps(workdir)[-1]
  state = ocp.StandardCheckpointer().restore(
      workdir / 'checkpoints' / str(step) / 'state')
  return {jax.tree_util.keystr(p): np.asarray(x)
          for p, x in jax.tree_util.tree_leaves_with_path(state)}


def main(argv):
  del argv
  logging.set_verbosity(logging.WARNING)
  rng = random.Random(_SEED.value)
  tmp = pathlib.Path(tempfile.mkdtemp(prefix='gan_jax_faults_'))
  env = {**os.environ, 'PYTHONUNBUFFERED': '1'}
  start = time.perf_counter()
  subprocess.run(_command(tmp / 'reference'), cwd=ROOT, env=env, check=True,
                 capture_output=True)
  reference_s = time.perf_counter() - start

  victim = tmp / 'victim'
  kills = resumes = lost = during_save = 0
  start = time.perf_counter()
  newest_at_kill = None
  while True:
    log = (tmp / 'log.txt').open('w')
    process = subprocess.Popen(_command(victim), cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    deadline = time.perf_counter() + rng.uniform(2.0, 10.0)
    while process.poll() is None and (kills >= _KILLS.value or
                                      time.perf_counter() < deadline):
      time.sleep(0.01)
    if process.poll() is None:
      during_save += _saving(victim)
      process.send_signal(signal.SIGKILL)
      process.wait()
      kills += 1
    log.close()
    text = (tmp / 'log.txt').read_text()
    if newest_at_kill is not None:
      match = re.search(r'resumed from .* at step (\d+)', text)
      if match:
        resumes += 1
        lost += int(match.group(1)) < newest_at_kill
      elif 'step ' in text or process.returncode == 0:
        lost += newest_at_kill > 0   # started from scratch despite a checkpoint
    if process.returncode == 0:
      break
    if process.returncode != -signal.SIGKILL:
      raise SystemExit(f'victim failed on its own:\n{text[-3000:]}')
    complete = _complete_steps(victim)
    newest_at_kill = complete[-1] if complete else 0
  victim_s = time.perf_counter() - start

  ref, got = _final_arrays(tmp / 'reference'), _final_arrays(victim)
  mismatches = sum(not np.array_equal(ref[k], got.get(k)) for k in ref)
  print(json.dumps({
      'kills': kills, 'resumes': resumes, 'kills_during_save': during_save,
      'checkpoints_lost': lost, 'mismatches': mismatches,
      'arrays_compared': len(ref), 'steps': _STEPS.value,
      'reference_run_s': round(reference_s, 1),
      'killed_run_total_s': round(victim_s, 1)}, indent=1))
  shutil.rmtree(tmp)


if __name__ == '__main__':
  app.run(main)
