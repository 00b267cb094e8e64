"""Stacked MNIST mode coverage: DCGAN against PacDCGAN-m.

  python benchmarks/stacked_mnist.py [--packs=1,2] [--steps=20000] [--width=64]

Each configuration (experiments/stacked_mnist.py) trains through the normal
loop, then its EMA generator draws 26,000 images, each channel labelled by
the project's MNIST classifier: modes covered (of 1,000) and
KL(p_gen || uniform) (gan_jax/metrics/stacked_mnist.py). Prints one JSON
object with the published rows beside ours and the wall time of each run.
"""
import json
import tempfile
import time

import jax
from absl import app, flags, logging

import harness
from gan_jax import rng, train
from gan_jax.generation import Sampler
from gan_jax.metrics import stacked_mnist
from gan_jax.models import sample_noise

_PACKS = flags.DEFINE_list('packs', ['1', '2'], 'Pack sizes m.')
_STEPS = flags.DEFINE_integer('steps', 20_000, 'G updates per run.')
_WIDTH = flags.DEFINE_integer('width', 64, 'DCGAN width.')

PUBLISHED = {1: {'modes': 99, 'reverse_kl': 3.4, 'source': 'DCGAN, VEEGAN'},
             2: {'modes': 1000, 'reverse_kl': 0.06, 'source': 'PacDCGAN2'}}


def run(pack: int) -> dict:
  config = harness.experiment(
      'stacked_mnist', f'pack={pack},steps={_STEPS.value},width={_WIDTH.value}')
  config.train.sample_every = config.train.checkpoint_every = _STEPS.value
  config.train.log_every = max(_STEPS.value // 10, 1)
  with tempfile.TemporaryDirectory() as workdir:
    start = time.perf_counter()
    state = jax.block_until_ready(train.train_and_evaluate(config, workdir))
    seconds = time.perf_counter() - start
  gan = train.build_gan(config, (28, 28, 3), 60_000)
  z = sample_noise(gan.models, rng.key_for(state.key, rng.Stream.SAMPLES, 2),
                   stacked_mnist.NUM_SAMPLES)
  result = stacked_mnist.mode_coverage(Sampler(gan)(state, z))
  return {**result, 'published': PUBLISHED.get(pack),
          'train_seconds': round(seconds, 1),
          'batch_size': config.train.batch_size}


def main(argv):
  del argv
  logging.set_verbosity(logging.WARNING)
  result = {**harness.machine(), 'steps': _STEPS.value, 'width': _WIDTH.value,
            'samples': stacked_mnist.NUM_SAMPLES}
  for pack in map(int, _PACKS.value):
    result[f'pack{pack}'] = run(pack)
  print(json.dumps(result, indent=1))


if __name__ == '__main__':
  app.run(main)
