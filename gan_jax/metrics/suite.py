"""Scores generated images with any of the registered metrics, in one call.

Each metric is registered under the name `evaluate_images` takes and returns
flat, JSON-ready floats.
"""
from collections.abc import Callable, Sequence
import time

import jax
import jax.numpy as jnp
import numpy as np

from gan_jax.errors import ConfigError
from gan_jax.metrics.density_coverage import density_coverage
from gan_jax.metrics.fid import fid
from gan_jax.metrics.inception_score import inception_score
from gan_jax.metrics.inputs import EvalInputs
from gan_jax.metrics.kid import kid
from gan_jax.metrics.parzen import parzen
from gan_jax.metrics.precision_recall import precision_recall
from gan_jax.registry import Registry

Array = jax.Array
KID_SEED = 0


def _unit_vectors(images: np.ndarray | Array) -> Array:
  """uint8 [N, H, W, C] -> float [N, H*W*C] in [0, 1], as Parzen wants."""
  return jnp.asarray(images).reshape(images.shape[0], -1) / 255.0


Metric = Callable[[EvalInputs], dict[str, float]]
METRICS: Registry[Metric] = Registry('metric')


@METRICS.register('fid')
def _fid(inputs: EvalInputs) -> dict[str, float]:
  return {'fid': fid(inputs.fake_outputs[0], inputs.real_features)}


@METRICS.register('kid')
def _kid(inputs: EvalInputs) -> dict[str, float]:
  mean, std = kid(inputs.fake_outputs[0], inputs.real_features,
                  jax.random.key(KID_SEED))
  return {'kid_mean': float(mean), 'kid_std': float(std)}


@METRICS.register('is')
def _is(inputs: EvalInputs) -> dict[str, float]:
  mean, std = inception_score(inputs.fake_outputs[1])
  return {'is_mean': float(mean), 'is_std': float(std)}


@METRICS.register('pr')
def _pr(inputs: EvalInputs) -> dict[str, float]:
  precision, recall = precision_recall(inputs.real_features,
                                       inputs.fake_outputs[0])
  return {'precision': float(precision), 'recall': float(recall)}


@METRICS.register('dc')
def _dc(inputs: EvalInputs) -> dict[str, float]:
  density, coverage = density_coverage(inputs.real_features,
                                       inputs.fake_outputs[0])
  return {'density': float(density), 'coverage': float(coverage)}


@METRICS.register('parzen')
def _parzen(inputs: EvalInputs) -> dict[str, float]:
  mean, se, sigma = parzen(_unit_vectors(inputs.fake),
                           _unit_vectors(inputs.validation),
                           _unit_vectors(inputs.reference))
  return {'parzen_ll': float(mean), 'parzen_se': float(se),
          'parzen_sigma': float(sigma)}


@METRICS.register('class_acc')
def _class_accuracy(inputs: EvalInputs) -> dict[str, float]:
  """How often the classifier sees the class a conditional G was asked for
  (Mirza & Osindero 2014's promise, measured)."""
  if inputs.fake_labels is None:
    raise ConfigError('metric class_acc needs a class-conditional model '
                      '(model.num_classes > 0)')
  predicted = jnp.argmax(inputs.fake_outputs[1], axis=-1)
  return {'class_acc': float(jnp.mean(predicted == jnp.asarray(
      inputs.fake_labels)))}


ALL = ('fid', 'kid', 'is', 'pr', 'dc', 'parzen')  # for any generator


def evaluate(inputs: EvalInputs, metrics: Sequence[str] = ALL
             ) -> tuple[dict[str, float], dict[str, float]]:
  """(values, seconds per metric name); names are checked before any work.

  A metric's seconds include whatever lazy input it was first to need.
  """
  fns = {name: METRICS.get(name) for name in metrics}
  values, seconds = {}, {}
  for name, fn in fns.items():
    start = time.perf_counter()
    values.update(fn(inputs))
    seconds[name] = time.perf_counter() - start
  return values, seconds


def evaluate_images(fake: np.ndarray, dataset: str,
                    metrics: Sequence[str] = ALL,
                    reference: np.ndarray | None = None,
                    validation: np.ndarray | None = None,
                    data_dir: str | None = None,
                    tfds_dir: str | None = None,
                    labels: np.ndarray | None = None) -> dict[str, float]:
  """Scores uint8 images [N, H, W, C] in `dataset`'s pixel scale.

  Args:
    fake: the generated images.
    dataset: picks the classifier and the default reference and validation.
    metrics: names from `METRICS`.
    reference: real images to compare with; default: the 10,000 test images.
    validation: real images that pick Parzen's sigma; default: training
      images 50,000 to 50,999, as in the 2014 paper.
    data_dir, tfds_dir: where the dataset lives, as for `gan_jax.data`.
    labels: for a conditional G, the class each fake was drawn for.

  Returns:
    Flat floats: fid, kid_mean, kid_std, is_mean, is_std, precision, recall,
    density, coverage, parzen_ll, parzen_se, parzen_sigma, class_acc (those
    asked for).
  """
  inputs = EvalInputs(fake, dataset, reference, validation, data_dir, tfds_dir,
                      None if labels is None else np.asarray(labels))
  return evaluate(inputs, metrics)[0]
