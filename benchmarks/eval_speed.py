"""Seconds the whole metric suite takes on 10,000 samples.

  python benchmarks/eval_speed.py [--dataset=mnist] [--num_samples=10000]

Prints one JSON object with two passes: `cold` is the first evaluation in a
process (data loading, compilation, reference features), `warm` is what every
later evaluation pays, e.g. each one during training. The samples are real
training images: speed does not depend on what the pixels show.
"""
import json
import platform
import time

import jax
import numpy as np
from absl import app, flags

from gan_jax import data
from gan_jax import metrics

_DATASET = flags.DEFINE_enum('dataset', 'mnist', list(data.DATASETS),
                             'Classifier and reference set.')
_NUM = flags.DEFINE_integer('num_samples', 10_000, 'Samples to score.')


def timed_pass(fake: np.ndarray, dataset: str) -> tuple[dict, dict]:
  """(values, seconds): features first, so each metric's time is its own."""
  inputs = metrics.EvalInputs(fake, dataset)
  seconds = {}
  for name, part in (('reference_features', lambda: inputs.real_features),
                     ('fake_features', lambda: inputs.fake_outputs)):
    start = time.perf_counter()
    jax.block_until_ready(part())
    seconds[name] = time.perf_counter() - start
  values, metric_seconds = metrics.evaluate(inputs)
  seconds.update(metric_seconds)
  seconds['total'] = sum(seconds.values())
  return values, {k: round(v, 3) for k, v in seconds.items()}


def main(argv):
  del argv
  fake, _ = data.load_split(_DATASET.value, f'train[:{_NUM.value}]')
  result = {'dataset': _DATASET.value, 'num_samples': len(fake),
            'devices': [str(d) for d in jax.devices()],
            'machine': platform.processor() or platform.machine(),
            'jax': jax.__version__}
  for name in ('cold', 'warm'):
    result[f'{name}_seconds'] = timed_pass(fake, _DATASET.value)[1]
  print(json.dumps(result, indent=1))


if __name__ == '__main__':
  app.run(main)
