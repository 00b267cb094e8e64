"""PacGAN's mode-coverage table: GAN and PacGAN-m on the 2-D ring and grid.

  python benchmarks/mode_coverage.py [--datasets=ring,grid] [--packs=1,2,4]
      [--seeds=5] [--steps=N] [--lr=X] [--anneal] [--ema_decay=D]
      [--arch=g_width=W,g_depth=L,d_units=U,d_steps=K]

For each dataset and pack size, `--seeds` GANs (seeds 0..S-1) train as one
population through the normal loop (experiments/{ring,grid}.py), then each
member's G (EMA-free, as PacGAN scores it, unless `--ema_decay` > 0: then
the average of G's weights) draws 2,500 points from its own fixed noise, scored as
PacGAN does (gan_jax/metrics/toy.py): modes covered, % high-quality samples,
reverse KL of the mode histogram. Prints one JSON object with mean and std
over seeds, every member's numbers and the wall time of each training.
"""
import json
import tempfile
import time

import jax
import numpy as np
from absl import app, flags, logging

import harness
from gan_jax import population, rng, train
from gan_jax.data import toy
from gan_jax.generation import Sampler
from gan_jax.metrics import toy as toy_metrics
from gan_jax.models import sample_noise

_DATASETS = flags.DEFINE_list('datasets', ['ring', 'grid'], 'Toy datasets.')
_PACKS = flags.DEFINE_list('packs', ['1', '2', '4'], 'Pack sizes m.')
_SEEDS = flags.DEFINE_integer('seeds', 5, 'Seeds (population members).')
_STEPS = flags.DEFINE_integer('steps', 5000, 'G updates per run.')
_LR = flags.DEFINE_float('lr', 1e-3, 'Adam learning rate of G and D.')
_ANNEAL = flags.DEFINE_bool('anneal', False,
                             'Cosine-anneal both rates to 0 over the run.')
_ARCH = flags.DEFINE_string(
    'arch', '', "Network sizes and D's updates per G update, as "
    "experiments/{ring,grid}.py's arguments.")
_EMA = flags.DEFINE_float('ema_decay', 0.0, 'Generator EMA decay (0: none).')
_SAMPLES = flags.DEFINE_integer('samples', 2500, 'Points scored per member.')

PUBLISHED = {  # PacGAN (Lin et al. 2018), Table 1: modes / HQ% / reverse KL.
    ('ring', 1): (6.3, 98.2, 0.45), ('ring', 4): (7.8, 95.9, 0.07),
    ('grid', 1): (17.3, 94.8, 0.70), ('grid', 4): (24.8, 93.6, 0.04),
}


def _summary(values: list[float]) -> dict[str, float]:
  """Mean and sample std (ddof 1) over seeds; an empty histogram's KL is inf."""
  return {'mean': round(float(np.mean(values)), 4),
          'std': round(float(np.std(values, ddof=1)), 4)}


def run(dataset: str, pack: int) -> dict:
  config = harness.experiment(
      dataset, f'pack={pack},steps={_STEPS.value},lr={_LR.value},'
      f'anneal={_ANNEAL.value}' + (f',{_ARCH.value}' if _ARCH.value else ''))
  config.population = _SEEDS.value
  config.train.ema_decay = _EMA.value  # PacGAN scores G itself (0)
  config.train.log_every = max(_STEPS.value // 5, 1)
  config.train.sample_every = config.train.checkpoint_every = _STEPS.value
  with tempfile.TemporaryDirectory() as workdir:
    start = time.perf_counter()
    state = train.train_and_evaluate(config, workdir)
    jax.block_until_ready(state)
    seconds = time.perf_counter() - start
  points = train.load_training_images(config)
  gan = train.build_gan(config, points.shape[1:], len(points))
  sampler, mixture = Sampler(gan), toy.mixture(dataset)
  members = []
  for i in range(config.population):
    member = population.member(state, i)
    z = sample_noise(gan.models, rng.key_for(member.key, rng.Stream.SAMPLES,
                                             2), _SAMPLES.value)
    members.append(toy_metrics.mode_coverage(sampler(member, z), mixture))
  result = {name: _summary([m[name] for m in members])
            for name in ('modes', 'hq_percent', 'reverse_kl')}
  published = PUBLISHED.get((dataset, pack))
  if published:
    result['published'] = dict(zip(('modes', 'hq_percent', 'reverse_kl'),
                                    published))
  return {**result, 'members': members, 'train_seconds': round(seconds, 1),
          'batch_size': config.train.batch_size}


def main(argv):
  del argv
  logging.set_verbosity(logging.WARNING)
  result = {**harness.machine(), 'seeds': _SEEDS.value, 'steps': _STEPS.value,
            'lr': _LR.value, 'anneal': _ANNEAL.value, 'arch': _ARCH.value,
            'ema_decay': _EMA.value, 'samples': _SAMPLES.value}
  for dataset in _DATASETS.value:
    for pack in map(int, _PACKS.value):
      result[f'{dataset}/pack{pack}'] = run(dataset, pack)
      print(json.dumps({f'{dataset}/pack{pack}': result[f'{dataset}/pack{pack}']}),
            flush=True)
  print(json.dumps(result, indent=1))


if __name__ == '__main__':
  app.run(main)
