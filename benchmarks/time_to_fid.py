"""Wall-clock time until DCGAN on MNIST first reaches a classifier-FID.

  python benchmarks/time_to_fid.py [--threshold=7.67] [--eval_every=100]
      [--max_steps=3000] [--max_seconds=600] [--num_samples=10000]
      [--config=dcgan[:ARG]]

The default threshold is 3x the real-data floor of our MNIST classifier-FID
(2.556: training images 0-9,999 against the test set, from
benchmarks/metric_floors.py). The clock starts before compilation and runs
through every evaluation, so it is what a researcher waits: compile + train
+ evaluate. Each evaluation scores `num_samples` images from the generator
the sample sheets use (EMA weights where enabled) against the 10,000 test
images. Prints one JSON object with the FID trajectory.
"""
import json
import time

from absl import app, flags

import harness
from gan_jax import rng
from gan_jax.generation import Sampler
from gan_jax.metrics import evaluate_images
from gan_jax.models import sample_noise

MNIST_FID_FLOOR = 2.556
_THRESHOLD = flags.DEFINE_float('threshold', 3 * MNIST_FID_FLOOR,
                                'Stop at the first FID below this.')
_EVERY = flags.DEFINE_integer('eval_every', 100, 'Steps between evaluations.')
_MAX = flags.DEFINE_integer('max_steps', 3000, 'Give up after this many.')
_BUDGET = flags.DEFINE_float('max_seconds', 600.0,
                             'Give up after this much wall-clock time.')
_NUM = flags.DEFINE_integer('num_samples', 10_000, 'Images per evaluation.')
_CONFIG = flags.DEFINE_string('config', 'dcgan', 'experiments/NAME[:ARG].')


def main(argv):
  del argv
  start = time.perf_counter()
  name, _, arg = _CONFIG.value.partition(':')
  config = harness.experiment(name, arg or None)
  prepared = harness.prepare(config)
  sampler = Sampler(prepared.gan)
  state = prepared.state
  z = sample_noise(prepared.gan.models,
                   rng.key_for(state.key, rng.Stream.SAMPLES, 1), _NUM.value)
  evaluate_images(sampler(state, z), config.data.name, ['fid'])  # warm-up
  setup_s = time.perf_counter() - start
  trajectory, train_s, eval_s, reached = [], 0.0, 0.0, None
  for step in range(_EVERY.value, _MAX.value + 1, _EVERY.value):
    state, seconds = harness.run_steps(prepared, state, _EVERY.value)
    train_s += seconds
    tick = time.perf_counter()
    fid = evaluate_images(sampler(state, z), config.data.name, ['fid'])['fid']
    eval_s += time.perf_counter() - tick
    trajectory.append({'step': step, 'fid': round(fid, 3),
                       'wall_s': round(time.perf_counter() - start, 1)})
    print(json.dumps(trajectory[-1]), flush=True)
    if fid < _THRESHOLD.value:
      reached = trajectory[-1]
      break
    if time.perf_counter() - start > _BUDGET.value:
      break
  print(json.dumps({
      **harness.machine(), 'config': _CONFIG.value,
      'batch_size': config.train.batch_size,
      'ema_decay': config.train.ema_decay,
      'threshold': round(_THRESHOLD.value, 3),
      'threshold_rule': f'3 x real-data FID floor {MNIST_FID_FLOOR}',
      'reached': reached is not None,
      'seconds_to_threshold': reached and reached['wall_s'],
      'steps_to_threshold': reached and reached['step'],
      'best': min(trajectory, key=lambda t: t['fid']),
      'budget_s': _BUDGET.value,
      'setup_s': round(setup_s, 1), 'train_s': round(train_s, 1),
      'eval_s': round(eval_s, 1), 'trajectory': trajectory}, indent=1))


if __name__ == '__main__':
  app.run(main)
