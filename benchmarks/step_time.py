"""Seconds per training step of each experiment, on whatever devices exist.

  python benchmarks/step_time.py [--steps=20] [--experiments=dcgan,gan_mnist]
      [--batch_size=0] [--d_steps=0]

Prints one JSON object. Compilation is timed separately from the steady state;
the step is the training loop's own (`train.compile_train_step`), batches
included (the real on-device sampler; MNIST via GAN_JAX_DATA_DIR).
"""
import json

from absl import app, flags

import harness

_STEPS = flags.DEFINE_integer('steps', 20, 'Timed steps per experiment.')
_BATCH = flags.DEFINE_integer('batch_size', 0,
                              "Batch size; 0 keeps each experiment's own.")
_D_STEPS = flags.DEFINE_integer('d_steps', 0,
                                "D updates per G update (train.d_steps); 0 "
                                "keeps each experiment's own.")
_EXPERIMENTS = harness.experiments_flag()


def time_experiment(name: str) -> dict:
  config = harness.experiment(name)
  config.train.batch_size = _BATCH.value or config.train.batch_size
  config.train.d_steps = _D_STEPS.value or config.train.d_steps
  prepared = harness.prepare(config)
  seconds = harness.Stepper(prepared, _STEPS.value)()
  per_step = seconds / _STEPS.value
  return {'batch_size': config.train.batch_size,
          'd_steps': config.train.d_steps,
          'compile_s': round(prepared.compile_s, 3),
          'step_s': round(per_step, 4),
          'images_per_s': round(config.train.batch_size / per_step, 1)}


def main(argv):
  del argv
  result = {**harness.machine(), 'steps': _STEPS.value}
  for name in _EXPERIMENTS.value:
    result[name] = time_experiment(name)
  print(json.dumps(result, indent=1))


if __name__ == '__main__':
  app.run(main)
