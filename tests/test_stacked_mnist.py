"""Stacked MNIST: the stacking, and the classifier recovering real modes."""
import numpy as np

from gan_jax import data
from gan_jax.data import stacked
from gan_jax.metrics import stacked_mnist


def test_stack_puts_three_digits_in_the_channels():
  images = np.arange(5)[:, None, None, None] * np.ones((5, 2, 2, 1), np.uint8)
  labels = np.array([9, 8, 7, 6, 5], np.int32)
  out, modes = stacked.stack(images, labels, 50, seed=3)
  assert out.shape == (50, 2, 2, 3)
  source = out[:, 0, 0, :]               # image i is filled with the value i
  np.testing.assert_array_equal(
      modes, 100 * labels[source[:, 0]] + 10 * labels[source[:, 1]] +
      labels[source[:, 2]])
  np.testing.assert_array_equal(out, stacked.stack(images, labels, 50, 3)[0])


def test_classifier_recovers_the_modes_of_real_stacked_digits():
  images, modes = data.load_split('stacked_mnist', 'test')
  assert images.shape == (stacked.NUM_EXAMPLES, 28, 28, 3)
  assert len(np.unique(modes)) == 1000
  found = stacked_mnist.modes_of(images[:500])
  # The classifier is 99.4% right per digit, so about 98% per triple.
  assert np.mean(found == modes[:500]) > 0.96
  result = stacked_mnist.mode_coverage(images[:500])
  counts = np.bincount(found, minlength=1000)
  p = counts[counts > 0] / 500
  assert result['modes'] == np.sum(counts > 0)
  np.testing.assert_allclose(result['reverse_kl'], np.sum(p * np.log(p * 1000)))
