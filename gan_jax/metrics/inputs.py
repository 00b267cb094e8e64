"""The real and generated images a metric reads, prepared lazily.

Each piece is computed at most once per evaluation and only if some metric
reads it, so asking only for 'parzen' never loads the classifier. The
reference set's features are also cached per process, keyed by the images'
contents: repeated evaluations during training classify only the fakes.
"""
import functools
import hashlib

import jax
import numpy as np

from gan_jax import data
from gan_jax.errors import DataError
from gan_jax.metrics import classifier

Array = jax.Array
REFERENCE_SPLIT = 'test'
VALIDATION_SPLIT = 'train[50000:51000]'  # The 2014 paper's Parzen validation.
MIN_IMAGES = 10  # The fewest that every metric (IS's 10 splits) accepts.
_FEATURE_CACHE_SIZE = 4


class EvalInputs:
  """What the metrics read; each piece is computed once, and only if read."""

  def __init__(self, fake: np.ndarray | Array, dataset: str,
               reference: np.ndarray | None = None,
               validation: np.ndarray | None = None,
               data_dir: str | None = None, tfds_dir: str | None = None,
               fake_labels: np.ndarray | None = None):
    """`fake_labels`: the classes a conditional G was asked for, if any."""
    classifier.weights_path(dataset)  # Rejects unknown datasets now.
    self.dataset = dataset
    self.fake = _checked('fake', fake, classifier.IMAGE_SHAPE)
    self.fake_labels = fake_labels
    given = {'reference': reference, 'validation': validation}
    self._given = {name: _checked(name, np.asarray(x), self.fake.shape[1:])
                   for name, x in given.items() if x is not None}
    self._data = (data_dir, tfds_dir)

  def _real(self, name: str, split: str) -> np.ndarray:
    if name in self._given:
      return self._given[name]
    return _load_images(self.dataset, split, *self._data)

  @functools.cached_property
  def reference(self) -> np.ndarray:
    """What fakes are compared with; also Parzen's test set."""
    return self._real('reference', REFERENCE_SPLIT)

  @functools.cached_property
  def validation(self) -> np.ndarray:
    """Where Parzen's sigma is chosen."""
    return self._real('validation', VALIDATION_SPLIT)

  @functools.cached_property
  def fake_outputs(self) -> tuple[Array, Array]:
    """(features, logits) of the fakes."""
    return classifier.classify(classifier.load_classifier(self.dataset),
                               self.fake)

  @functools.cached_property
  def real_features(self) -> Array:
    return _reference_features(self.dataset, self.reference)


def _checked(name: str, images, shape: tuple[int, ...]):
  """Catches the usual slips: float images, wrong layout, too few images."""
  if images.dtype != np.uint8:
    raise DataError(f'{name} images must be uint8 in the dataset\'s pixel '
                    f'scale (0..255), got {images.dtype}: convert with '
                    'gan_jax.images.to_uint8(images, value_range)')
  if images.ndim != 4 or tuple(images.shape[1:]) != tuple(shape):
    raise DataError(f'{name} images must have shape [N, '
                    f'{", ".join(map(str, shape))}], got {list(images.shape)}')
  if images.shape[0] < MIN_IMAGES:
    raise DataError(f'{name} images: need at least {MIN_IMAGES}, got '
                    f'{images.shape[0]}')
  return images


@functools.lru_cache(maxsize=8)
def _load_images(dataset: str, split: str, data_dir: str | None,
                 tfds_dir: str | None) -> np.ndarray:
  return data.load_split(dataset, split, data_dir, tfds_dir)[0]


_features: dict[tuple, Array] = {}


def _reference_features(dataset: str, images: np.ndarray) -> Array:
  """Classifier features, cached by the images' contents."""
  key = (dataset, images.shape,
         hashlib.blake2b(np.ascontiguousarray(images).data).hexdigest())
  if key not in _features:
    if len(_features) >= _FEATURE_CACHE_SIZE:
      del _features[next(iter(_features))]
    _features[key] = classifier.classify(
        classifier.load_classifier(dataset), images)[0]
  return _features[key]
