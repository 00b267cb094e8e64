"""InfoGAN on MNIST: how well the categorical code finds the digits, and
what the continuous codes do.

For every value c of the 10-way code, draws --per_code samples (other
inputs random), labels them with the project's MNIST classifier and scores
the code after the best one-to-one code->digit matching (Chen et al. 2016
report about 5% error). Writes two figures: rows are the categorical code,
columns sweep one continuous code over [-2, 2] with the rest fixed.

  python benchmarks/infogan_codes.py --workdir=runs/infogan [--figures=docs]
"""
import json
import pathlib

import jax.numpy as jnp
import numpy as np
from absl import app, flags

from gan_jax import images, saved_run
from gan_jax.metrics import classify, load_classifier
from gan_jax.metrics.assignment import best_assignment_accuracy, confusion
from gan_jax.models import set_codes

_WORKDIR = flags.DEFINE_string('workdir', None, 'An InfoGAN run.')
_PER_CODE = flags.DEFINE_integer('per_code', 1000, 'Samples per code value.')
_FIGURES = flags.DEFINE_string('figures', None, 'Folder for the PNGs.')
flags.mark_flags_as_required(['workdir'])


def main(argv):
  del argv
  run = saved_run.load_run(_WORKDIR.value)
  categorical, continuous = run.gan.models.info_codes
  n = categorical * _PER_CODE.value
  codes = jnp.repeat(jnp.arange(categorical), _PER_CODE.value)
  z = set_codes(run.gan.models, saved_run.noise(run, n, seed=0), codes)
  _, logits = classify(load_classifier('mnist'), saved_run.generate(run, z))
  counts = confusion(np.asarray(codes), np.asarray(jnp.argmax(logits, -1)),
                     categorical, 10)
  accuracy, mapping = best_assignment_accuracy(counts)
  result = {'benchmark': 'infogan_codes', 'workdir': _WORKDIR.value,
            'step': run.step, 'samples': n,
            'categorical_code_accuracy': accuracy,
            'error': 1.0 - accuracy, 'paper_error': 0.05,
            'code_to_digit': mapping}
  if _FIGURES.value:
    folder = pathlib.Path(_FIGURES.value)
    sweep = jnp.linspace(-2.0, 2.0, 10)
    base = saved_run.noise(run, 1, seed=1)
    for j in range(continuous):
      values = np.zeros((categorical * 10, continuous), np.float32)
      values[:, j] = np.tile(np.asarray(sweep), categorical)
      z = set_codes(run.gan.models, jnp.tile(base, (categorical * 10, 1)),
                    jnp.repeat(jnp.arange(categorical), 10),
                    jnp.asarray(values))
      path = folder / f'infogan_continuous_code_{j + 1}.png'
      images.save_png(path, images.grid(saved_run.generate(run, z), rows=10))
      result[f'figure_c{j + 1}'] = str(path)
  print(json.dumps(result, indent=1))


if __name__ == '__main__':
  app.run(main)
