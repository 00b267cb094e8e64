"""What each of gan_jax.cpu_speed's two process settings buys.

  python benchmarks/cpu_settings.py [--batch_size=1024] [--steps=5]

Runs benchmarks/step_time.py (DCGAN) in a fresh process under each of the
four combinations: neither setting (each set explicitly to its default),
the XLA flag alone, huge pages alone, both (what `python -m gan_jax.main`
uses). Prints JSON with the step times and each one's speed-up over
neither.
"""
import json
import os
import pathlib
import subprocess
import sys

from absl import app, flags

_BATCH = flags.DEFINE_integer('batch_size', 1024, 'DCGAN batch size.')
_STEPS = flags.DEFINE_integer('steps', 5, 'Timed steps per process.')

_XLA = {'default': '--xla_cpu_experimental_ynn_fusion_type=+individual_convolution',
        'set': '--xla_cpu_experimental_ynn_fusion_type=-individual_convolution'}
_GLIBC = {'default': 'glibc.malloc.hugetlb=0', 'set': 'glibc.malloc.hugetlb=1'}
_STEP_TIME = pathlib.Path(__file__).with_name('step_time.py')


def _step_s(xla: str, glibc: str) -> float:
  env = {**os.environ, 'XLA_FLAGS': xla, 'GLIBC_TUNABLES': glibc}
  out = subprocess.run(
      [sys.executable, str(_STEP_TIME), '--experiments=dcgan',
       f'--steps={_STEPS.value}', f'--batch_size={_BATCH.value}'],
      env=env, check=True, capture_output=True, text=True).stdout
  return json.loads(out)['dcgan']['step_s']


def main(argv):
  del argv
  runs = {}
  for name, xla, glibc in (('neither', 'default', 'default'),
                           ('xla_flag', 'set', 'default'),
                           ('huge_pages', 'default', 'set'),
                           ('both', 'set', 'set')):
    runs[name] = {'step_s': _step_s(_XLA[xla], _GLIBC[glibc])}
    print(name, runs[name], file=sys.stderr, flush=True)
  for run in runs.values():
    run['speedup'] = round(runs['neither']['step_s'] / run['step_s'], 2)
  print(json.dumps({'batch_size': _BATCH.value, 'steps': _STEPS.value,
                    'load_average_1min': round(os.getloadavg()[0], 2),
                    'runs': runs}, indent=1))


if __name__ == '__main__':
  app.run(main)
