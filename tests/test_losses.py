"""Each objective against its textbook formula, and its stability."""
import jax
import numpy as np
import pytest

from gan_jax.errors import ConfigError
from gan_jax.losses import LOSSES

REAL = np.array([2.0, -1.0, 0.5, 3.0], np.float32)
FAKE = np.array([-2.0, 0.3, 1.5, -0.7], np.float32)


def _sigmoid(x):
  return 1 / (1 + np.exp(-x.astype(np.float64)))


def test_discriminator_loss_is_binary_cross_entropy():
  expected = (-np.mean(np.log(_sigmoid(REAL))) -
              np.mean(np.log(1 - _sigmoid(FAKE))))
  for name in ('minimax', 'non_saturating'):
    np.testing.assert_allclose(LOSSES.get(name).d_loss(REAL, FAKE), expected,
                               rtol=1e-6)


def test_generator_losses_match_the_paper():
  np.testing.assert_allclose(LOSSES.get('minimax').g_loss(FAKE),
                             np.mean(np.log(1 - _sigmoid(FAKE))), rtol=1e-6)
  np.testing.assert_allclose(LOSSES.get('non_saturating').g_loss(FAKE),
                             -np.mean(np.log(_sigmoid(FAKE))), rtol=1e-6)


@pytest.mark.parametrize('name', ['minimax', 'non_saturating'])
def test_losses_and_gradients_stay_finite_for_confident_discriminators(name):
  logits = np.array([-200.0, 200.0], np.float32)
  loss = LOSSES.get(name)
  for fn in (lambda x: loss.d_loss(x, x), loss.g_loss):
    value, grad = jax.value_and_grad(fn)(logits)
    assert np.isfinite(value) and np.all(np.isfinite(grad))


def test_non_saturating_loss_keeps_gradient_where_minimax_vanishes():
  # D confidently rejects the fakes: the paper's motivation (§3).
  fake = np.full(4, -10.0, np.float32)
  minimax = jax.grad(LOSSES.get('minimax').g_loss)(fake)
  non_sat = jax.grad(LOSSES.get('non_saturating').g_loss)(fake)
  assert np.abs(minimax).max() < 1e-4 < np.abs(non_sat).min()


def test_unknown_loss_lists_the_choices():
  with pytest.raises(ConfigError, match='minimax, non_saturating'):
    LOSSES.get('wasserstien')
