"""2 processes x 4 CPU devices against 1 process x 8 devices, full-size DCGAN.

The same check as tests/test_multihost.py, at the real model size, with the
numbers written out: the largest difference between the two final states and
the wall time of each launch (both through launch.sh). `--a`/`--b` pick
other layouts (PROCESSESxDEVICES), e.g. --a=1x1 to see how far two
single-process layouts drift apart over the same steps.

  python benchmarks/multihost.py [--steps=20] [--batch_size=128] [--a=2x4 --b=1x8]
"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import numpy as np
from absl import app, flags

import harness
from gan_jax import saved_run

ROOT = pathlib.Path(__file__).resolve().parents[1]
_STEPS = flags.DEFINE_integer('steps', 20, 'Training steps.')
_BATCH = flags.DEFINE_integer('batch_size', 128, 'Global batch size.')
_A = flags.DEFINE_string('a', '2x4', 'PROCESSESxDEVICES of the first run.')
_B = flags.DEFINE_string('b', '1x8', 'PROCESSESxDEVICES of the second run.')


def _launch(args: list[str], devices: int) -> float:
  env = dict(os.environ, PYTHON=sys.executable, JAX_PLATFORMS='cpu',
             XLA_FLAGS=f'--xla_force_host_platform_device_count={devices}')
  start = time.perf_counter()
  subprocess.run([str(ROOT / 'launch.sh'), *args], env=env, check=True,
                 capture_output=True)
  return time.perf_counter() - start


def main(argv):
  del argv
  overrides = [f'--config.train.num_steps={_STEPS.value}',
               f'--config.train.batch_size={_BATCH.value}',
               '--config.train.sample_every=100000',
               '--config.train.checkpoint_every=100000']
  with tempfile.TemporaryDirectory() as tmp:
    states, times = [], []
    for name, layout in (('a', _A.value), ('b', _B.value)):
      processes, devices = map(int, layout.split('x'))
      target = ['multiprocess', str(processes)] if processes > 1 else ['local']
      times.append(_launch([*target, 'experiments/dcgan.py',
                            f'--workdir={tmp}/{name}', *overrides], devices))
      states.append(saved_run.state_arrays(f'{tmp}/{name}'))
    a, b = states
  diffs = {k: float(np.max(np.abs(a[k].astype(np.float64) - b[k])))
           for k in a if a[k].size}
  worst = max(diffs, key=diffs.get)
  print(json.dumps({
      'benchmark': 'multihost_equivalence', 'model': 'dcgan (width 64)',
      'steps': _STEPS.value, 'global_batch': _BATCH.value,
      'layouts': f'{_A.value} vs {_B.value} (processes x CPU devices)',
      'arrays_compared': len(diffs), 'max_abs_diff': diffs[worst],
      'worst_array': worst, 'within_1e-4': diffs[worst] <= 1e-4,
      f'wall_s_{_A.value}': round(times[0], 1),
      f'wall_s_{_B.value}': round(times[1], 1),
      'machine': harness.machine()}, indent=1))


if __name__ == '__main__':
  app.run(main)
