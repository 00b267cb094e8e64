"""Does fetching real batches ever stall the step?

  python benchmarks/input_pipeline.py [--pairs=5] [--steps=10]
      [--experiments=dcgan,gan_mnist]

The training step gathers its batch on device from a shuffled, device-resident
dataset (gan_jax/data/sampler.py). This times that step against the same
update fed one constant batch that is already on the device — the fastest an
input pipeline could possibly be — alternately, after compilation. A ratio
near 1.0 means the data never holds the step up. Prints one JSON object.
"""
import json
import statistics

import jax
from absl import app, flags

import harness
from gan_jax import parallel
from gan_jax.data.sampler import sample_real
from gan_jax.train_step import make_train_step

_PAIRS = flags.DEFINE_integer('pairs', 5, 'Timed A/B pairs.')
_STEPS = flags.DEFINE_integer('steps', 10, 'Steps per timed run.')
_EXPERIMENTS = harness.experiments_flag()


def compare(name: str) -> dict:
  config = harness.experiment(name)
  prepared = harness.prepare(config)
  gan, mesh = prepared.gan, parallel.make_mesh()
  constant = sample_real(prepared.dataset.examples, prepared.state.key, 0, gan.d_steps,
                         config.train.batch_size, gan.models.value_range)
  constant = jax.device_put(constant, parallel.batch_sharding(mesh, 1))
  sharding = parallel.state_sharding(mesh, 1)
  fixed_step = jax.jit(make_train_step(gan), donate_argnums=0,
                       in_shardings=(sharding, parallel.batch_sharding(mesh, 1)),
                       out_shardings=(sharding, parallel.replicated(mesh)))
  constant_side = harness.Prepared(gan, fixed_step, None, constant, None, 0.0,
                                   0.0)
  real = harness.Stepper(prepared, _STEPS.value)
  # A second state, so each side keeps donating its own buffers.
  fixed = harness.Stepper(constant_side, _STEPS.value,
                          jax.tree.map(lambda x: x.copy(), real.state))
  seconds = harness.take_turns({'real': real, 'constant': fixed}, _PAIRS.value)
  step_s = lambda side: round(
      statistics.median(seconds[side]) / _STEPS.value, 5)
  return {'batch_size': config.train.batch_size,
          'real_batches_step_s': step_s('real'),
          'constant_batch_step_s': step_s('constant'),
          'ratio_real_vs_constant': harness.median_ratio(seconds['real'],
                                                         seconds['constant'])}


def main(argv):
  del argv
  result = {**harness.machine(), 'pairs': _PAIRS.value, 'steps': _STEPS.value}
  for name in _EXPERIMENTS.value:
    result[name] = compare(name)
  print(json.dumps(result, indent=1))


if __name__ == '__main__':
  app.run(main)
