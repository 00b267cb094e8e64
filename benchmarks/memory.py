"""Peak memory of a DCGAN run, and whether it grows with steps.

  python benchmarks/memory.py [--batch_size=1024] [--steps=2000]
      [--every=100]

Runs the training loop's own step, and every `every` steps records the
process's resident set size (host RSS, from /proc) and, where the backend
reports it, the device's bytes in use. Growth is the change from the first
recording after warm-up to the last; a bounded run has near-zero growth.
Prints one JSON object.
"""
import json
import resource

import jax
from absl import app, flags

import harness

_BATCH = flags.DEFINE_integer('batch_size', 1024, 'Global batch size.')
_STEPS = flags.DEFINE_integer('steps', 2000, 'Training steps.')
_EVERY = flags.DEFINE_integer('every', 100, 'Steps between recordings.')


def rss_mib() -> float:
  with open('/proc/self/statm') as f:
    pages = int(f.read().split()[1])
  return pages * resource.getpagesize() / 2 ** 20


def device_mib() -> float | None:
  stats = jax.devices()[0].memory_stats()
  return stats['bytes_in_use'] / 2 ** 20 if stats else None


def main(argv):
  del argv
  config = harness.experiment('dcgan')
  config.train.batch_size = _BATCH.value
  prepared = harness.prepare(config)
  state, _ = harness.run_steps(prepared, prepared.state, 2)  # warm-up
  samples = []
  for step in range(_EVERY.value, _STEPS.value + 1, _EVERY.value):
    state, seconds = harness.run_steps(prepared, state, _EVERY.value)
    samples.append({'step': step, 'rss_mib': round(rss_mib(), 1),
                    'device_mib': device_mib(),
                    'step_s': round(seconds / _EVERY.value, 4)})
    print(json.dumps(samples[-1]), flush=True)
  first, last = samples[0], samples[-1]
  peak_device = jax.devices()[0].memory_stats()
  print(json.dumps({
      **harness.machine(), 'batch_size': _BATCH.value, 'steps': _STEPS.value,
      'peak_rss_mib': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                            / 1024, 1),
      'rss_growth_mib': round(last['rss_mib'] - first['rss_mib'], 1),
      'peak_device_mib': (peak_device['peak_bytes_in_use'] / 2 ** 20
                          if peak_device else None),
      'device_growth_mib': (None if first['device_mib'] is None else
                            round(last['device_mib'] - first['device_mib'], 1)),
      'samples': samples}, indent=1))


if __name__ == '__main__':
  app.run(main)
