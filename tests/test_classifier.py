"""The committed evaluation classifiers, on the real test sets."""
import json

import numpy as np
import pytest

from gan_jax import data
from gan_jax.errors import DataError
from gan_jax.metrics import classifier, inception_score

_MIN_ACCURACY = {'mnist': 0.993, 'fashion_mnist': 0.92}


@pytest.mark.parametrize('dataset', sorted(_MIN_ACCURACY))
def test_committed_classifier_accuracy(dataset):
  images, labels = data.load_split(dataset, 'test')
  features, logits = classifier.classify(classifier.load_classifier(dataset),
                                         images)
  assert features.shape == (10_000, classifier.FEATURE_DIM)
  accuracy = np.mean(np.argmax(np.asarray(logits), -1) == labels)
  assert accuracy >= _MIN_ACCURACY[dataset]
  record = json.loads(classifier.weights_path(dataset).with_suffix('.json')
                      .read_text())
  assert accuracy == pytest.approx(record['test_accuracy'], abs=3e-4)
  if dataset == 'mnist':  # Confident and balanced: close to 10 classes.
    assert float(inception_score.inception_score(logits)[0]) > 9.7


def test_classify_is_independent_of_the_batch_size():
  images, _ = data.load_split('mnist', 'test[:130]')
  params = classifier.load_classifier('mnist')
  whole = classifier.classify(params, images, batch_size=500)
  blocks = classifier.classify(params, images, batch_size=32)
  for a, b in zip(whole, blocks):
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def test_missing_weights_say_how_to_make_them(monkeypatch, tmp_path):
  monkeypatch.setattr(classifier, 'WEIGHTS_DIR', tmp_path)
  classifier.load_classifier.cache_clear()
  with pytest.raises(DataError, match='train_classifier.py --dataset=mnist'):
    classifier.load_classifier('mnist')
  classifier.load_classifier.cache_clear()
