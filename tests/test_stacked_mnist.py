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
  digits, probability = stacked_mnist.read_digits(images[:500])
  np.testing.assert_array_equal(stacked_mnist.mode_of_digits(digits), found)
  assert np.all((probability > 0.1) & (probability <= 1.0))
  assert np.mean(probability >= 0.9) > 0.95   # real digits read confidently
  result = stacked_mnist.mode_coverage(images[:500])
  counts = np.bincount(found, minlength=1000)
  p = counts[counts > 0] / 500
  assert result['modes'] == np.sum(counts > 0)
  np.testing.assert_allclose(result['reverse_kl'], np.sum(p * np.log(p * 1000)))


def test_digit_kl_splits_the_modes_kl_by_channel():
  every = np.array([(r, g, b) for r in range(10) for g in range(10)
                    for b in range(10)])
  np.testing.assert_array_equal(stacked_mnist.mode_of_digits(every),
                                np.arange(1000))
  # Every mode once: each channel's digits are uniform.
  np.testing.assert_allclose(stacked_mnist.digit_kl(every), 0.0, atol=1e-12)
  # Red always 7, green and blue uniform: only red's KL, log 10, and the
  # modes' KL (100 modes of 1,000 equally) is the same log 10.
  sevens = every[every[:, 0] == 7]
  np.testing.assert_allclose(stacked_mnist.digit_kl(sevens),
                             [np.log(10), 0.0, 0.0], atol=1e-12)
  modes = stacked_mnist.mode_of_digits(sevens)
  np.testing.assert_allclose(stacked_mnist.coverage(modes)['reverse_kl'],
                             np.log(10))
  assert stacked_mnist.coverage(modes)['modes'] == 100


def test_experiment_defaults_are_dcgans_recipe_and_arguments_depart_from_it():
  from tiny import load_experiment
  default = load_experiment('stacked_mnist.py')
  dcgan = load_experiment('dcgan.py')
  assert default.optim.to_dict() == dcgan.optim.to_dict()
  assert default.loss.to_dict() == dcgan.loss.to_dict()
  assert not default.model.spectral_norm and default.train.d_steps == 1
  config = load_experiment(
      'stacked_mnist.py', 'pack=2,steps=500,lr=1e-3,anneal=True,d_steps=2,'
      'r1=0.5,sn=True,ema=0.99,fc=16')
  assert config.train.batch_size == 256 and config.model.pack == 2
  assert (config.loss.penalty, config.loss.penalty_weight) == ('r1', 0.5)
  assert config.model.spectral_norm and config.train.d_steps == 2
  assert config.train.ema_decay == 0.99 and config.model.fc_width == 16
  for optim in (config.optim.g, config.optim.d):
    assert (optim.learning_rate, optim.decay_steps) == (1e-3, 500)
