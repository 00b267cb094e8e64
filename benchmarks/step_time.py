"""Seconds per training step of each experiment, on whatever devices exist.

  python benchmarks/step_time.py [--steps=20] [--experiments=dcgan,gan_mnist]

Prints one JSON object. Compilation is timed separately from the steady state;
the step is the training loop's own (`train.compile_train_step`), batches
included (the real on-device sampler; MNIST via GAN_JAX_DATA_DIR).
"""
import functools
import json
import pathlib
import platform
import time

import jax
from absl import app, flags

from gan_jax import configs, parallel, train
from gan_jax.train_state import create_train_state

EXPERIMENTS = pathlib.Path(__file__).resolve().parents[1] / 'experiments'

_STEPS = flags.DEFINE_integer('steps', 20, 'Timed steps per experiment.')
_EXPERIMENTS = flags.DEFINE_list('experiments', ['dcgan', 'gan_mnist'],
                                 'experiments/*.py names to time.')


def time_experiment(name: str) -> dict:
  config = configs.load_experiment(str(EXPERIMENTS / f'{name}.py'))
  mesh = parallel.make_mesh()
  images = train.load_training_images(config)
  gan = train.build_gan(config, images.shape[1:], len(images))
  state = jax.jit(functools.partial(create_train_state, gan.models, gan.g_tx,
                                    gan.d_tx, images.shape[1:], 0),
                  out_shardings=parallel.replicated(mesh))()
  step = train.compile_train_step(gan, config.train.batch_size, mesh)
  dataset = train.put_dataset(images, mesh)
  start = time.perf_counter()
  state, metrics = step(state, dataset)
  jax.block_until_ready(metrics)
  compile_s = time.perf_counter() - start
  start = time.perf_counter()
  for _ in range(_STEPS.value):
    state, metrics = step(state, dataset)
  jax.block_until_ready(metrics)
  per_step = (time.perf_counter() - start) / _STEPS.value
  return {'batch_size': config.train.batch_size,
          'compile_plus_first_step_s': round(compile_s, 3),
          'step_s': round(per_step, 4),
          'images_per_s': round(config.train.batch_size / per_step, 1)}


def main(argv):
  del argv
  result = {'devices': [str(d) for d in jax.devices()],
            'machine': platform.processor() or platform.machine(),
            'jax': jax.__version__, 'steps': _STEPS.value}
  for name in _EXPERIMENTS.value:
    result[name] = time_experiment(name)
  print(json.dumps(result, indent=1))


if __name__ == '__main__':
  app.run(main)
