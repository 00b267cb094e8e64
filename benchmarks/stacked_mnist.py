"""Stacked MNIST mode coverage: DCGAN against PacDCGAN-m.

  python benchmarks/stacked_mnist.py [--packs=1,2] [--steps=20000] [--width=64]
      [--arg=NAME=VALUE,...] [--eval_every=N]

Each configuration (experiments/stacked_mnist.py, with `--arg` passed on as
more of its arguments) trains with the training loop's own compiled step,
then its EMA generator draws 26,000 images, each channel labelled by the
project's MNIST classifier: modes covered (of 1,000) and KL(p_gen ||
uniform) (gan_jax/metrics/stacked_mnist.py). `--eval_every` also scores the
run every N steps, which shows whether a recipe is still improving. Prints
one JSON object with the published rows beside ours and the wall time of
each run (training only).
"""
import json

import numpy as np
from absl import app, flags, logging

import harness
from gan_jax import data, rng
from gan_jax.generation import Sampler
from gan_jax.metrics import stacked_mnist
from gan_jax.models import sample_noise

_PACKS = flags.DEFINE_list('packs', ['1', '2'], 'Pack sizes m.')
_STEPS = flags.DEFINE_integer('steps', 20_000, 'G updates per run.')
_WIDTH = flags.DEFINE_integer('width', 64, 'DCGAN width.')
_ARG = flags.DEFINE_string(
    'arg', '', "More of experiments/stacked_mnist.py's arguments, "
    "e.g. 'lr=5e-4,r1=1.0'.")
_EVAL_EVERY = flags.DEFINE_integer(
    'eval_every', 0, 'Also score every N steps (0: only at the end).')

PUBLISHED = {1: {'modes': 99, 'reverse_kl': 3.4, 'source': 'DCGAN, VEEGAN'},
             2: {'modes': 1000, 'reverse_kl': 0.06, 'source': 'PacDCGAN2'}}


def summary(images: np.ndarray) -> dict:
  """The protocol's scores, and two that say where the KL comes from: each
  channel's digit KL, and the share of digits the classifier reads with
  probability >= 0.9 (real triples: 0.99)."""
  digits, probability = stacked_mnist.read_digits(images)
  modes = stacked_mnist.mode_of_digits(digits)
  return {**stacked_mnist.coverage(modes),
          'digit_kl': [round(kl, 4) for kl in stacked_mnist.digit_kl(digits)],
          'confident_digits': round(float(np.mean(probability >= 0.9)), 4)}


def score(prepared, state) -> dict:
  z = sample_noise(prepared.gan.models,
                   rng.key_for(state.key, rng.Stream.SAMPLES, 2),
                   stacked_mnist.NUM_SAMPLES)
  return summary(Sampler(prepared.gan)(state, z))


def run(pack: int) -> dict:
  arg = f'pack={pack},steps={_STEPS.value},width={_WIDTH.value}'
  config = harness.experiment(
      'stacked_mnist', arg + (f',{_ARG.value}' if _ARG.value else ''))
  prepared = harness.prepare(config)
  state, seconds, trajectory = prepared.state, 0.0, []
  every = _EVAL_EVERY.value or _STEPS.value
  for step in range(every, _STEPS.value + every, every):
    step = min(step, _STEPS.value)
    state, chunk_seconds = harness.run_steps(
        prepared, state, step - int(state.step))
    seconds += chunk_seconds
    trajectory.append({'step': step, **score(prepared, state)})
    print(json.dumps({f'pack{pack}': trajectory[-1]}), flush=True)
  return {**trajectory[-1], 'published': PUBLISHED.get(pack),
          'train_seconds': round(seconds, 1),
          'batch_size': config.train.batch_size,
          **({'trajectory': trajectory} if len(trajectory) > 1 else {})}


def real_data() -> dict:
  """The metric's floor: 26,000 real training triples score KL > 0 too,
  from sampling noise, MNIST's uneven digit counts and classifier errors."""
  images, _ = data.load_split('stacked_mnist', 'train')
  pick = np.random.default_rng(0).choice(
      len(images), stacked_mnist.NUM_SAMPLES, replace=False)
  return summary(images[pick])


def main(argv):
  del argv
  logging.set_verbosity(logging.WARNING)
  result = {**harness.machine(), 'steps': _STEPS.value, 'width': _WIDTH.value,
            'arg': _ARG.value, 'samples': stacked_mnist.NUM_SAMPLES,
            'real_data': real_data()}
  for pack in map(int, _PACKS.value):
    result[f'pack{pack}'] = run(pack)
  print(json.dumps(result, indent=1))


if __name__ == '__main__':
  app.run(main)
