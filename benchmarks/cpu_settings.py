"""What gan_jax.cpu_speed's process settings buy.

  python benchmarks/cpu_settings.py [--settings=neither,xla_flag,...]
      [--experiments=dcgan] [--batch_size=1024] [--steps=5] [--rounds=1]

Runs benchmarks/step_time.py in a fresh process under each setting in turn
(A B A B ... for `--rounds` rounds, so the machine's drift hits them all
alike): neither (JAX's and glibc's defaults, set explicitly), the XLA flag
alone, huge pages alone, both (gan_jax's settings until 2026-12-03), and
gan_jax (what `python -m gan_jax.main` uses now: both, malloc keeping its
memory and JAX's CPU dispatch synchronous). Prints JSON with each
setting's median step time per experiment and its speed-up over the first
setting listed.
"""
import json
import os
import pathlib
import statistics
import subprocess
import sys

from absl import app, flags

from gan_jax import cpu_speed

_YNN_CONVOLUTIONS = ('--xla_cpu_experimental_ynn_fusion_type='
                     '+individual_convolution')
SETTINGS = {  # name: (XLA_FLAGS, GLIBC_TUNABLES, async CPU dispatch)
    'neither': (_YNN_CONVOLUTIONS, 'glibc.malloc.hugetlb=0', 'true'),
    'xla_flag': (cpu_speed.XLA_FLAG, 'glibc.malloc.hugetlb=0', 'true'),
    'huge_pages': (_YNN_CONVOLUTIONS, 'glibc.malloc.hugetlb=1', 'true'),
    'both': (cpu_speed.XLA_FLAG, 'glibc.malloc.hugetlb=1', 'true'),
    'gan_jax': (cpu_speed.XLA_FLAG, cpu_speed.GLIBC_TUNABLE, 'false'),
}

_SETTINGS = flags.DEFINE_list('settings', list(SETTINGS), 'Which settings, '
                              f'of {", ".join(SETTINGS)}.')
_EXPERIMENTS = flags.DEFINE_list('experiments', ['dcgan'],
                                 'experiments/*.py names.')
_BATCH = flags.DEFINE_integer('batch_size', 1024, 'Batch size.')
_STEPS = flags.DEFINE_integer('steps', 5, 'Timed steps per process.')
_ROUNDS = flags.DEFINE_integer('rounds', 1, 'Processes per setting.')
_STEP_TIME = pathlib.Path(__file__).with_name('step_time.py')


def _step_s(setting: str) -> dict[str, float]:
  xla, glibc, async_dispatch = SETTINGS[setting]
  env = {**os.environ, 'XLA_FLAGS': xla, 'GLIBC_TUNABLES': glibc,
         cpu_speed.ASYNC_DISPATCH_ENV: async_dispatch}
  out = subprocess.run(
      [sys.executable, str(_STEP_TIME), f'--steps={_STEPS.value}',
       f'--experiments={",".join(_EXPERIMENTS.value)}',
       f'--batch_size={_BATCH.value}'],
      env=env, check=True, capture_output=True, text=True).stdout
  result = json.loads(out)
  return {name: result[name]['step_s'] for name in _EXPERIMENTS.value}


def main(argv):
  del argv
  unknown = set(_SETTINGS.value) - set(SETTINGS)
  if unknown:
    raise app.UsageError(f'unknown --settings {sorted(unknown)}; choose from '
                         f'{", ".join(SETTINGS)}')
  seconds = {s: {e: [] for e in _EXPERIMENTS.value} for s in _SETTINGS.value}
  for _ in range(_ROUNDS.value):
    for setting in _SETTINGS.value:
      for name, step_s in _step_s(setting).items():
        seconds[setting][name].append(step_s)
      print(setting, seconds[setting], file=sys.stderr, flush=True)
  first = _SETTINGS.value[0]
  runs = {setting: {name: {
      'step_s': statistics.median(times),
      'all_step_s': times,
      'speedup': round(statistics.median(seconds[first][name])
                       / statistics.median(times), 3)}
      for name, times in by_name.items()}
          for setting, by_name in seconds.items()}
  print(json.dumps({'batch_size': _BATCH.value, 'steps': _STEPS.value,
                    'rounds': _ROUNDS.value,
                    'load_average_1min': round(os.getloadavg()[0], 2),
                    'settings': {s: SETTINGS[s] for s in _SETTINGS.value},
                    'runs': runs}, indent=1))


if __name__ == '__main__':
  app.run(main)
