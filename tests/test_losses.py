"""Each objective against its textbook formula, and its stability."""
import jax
import numpy as np
import pytest

from gan_jax import configs
from gan_jax.errors import ConfigError
from gan_jax.losses import LOSSES, build_loss

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
  np.testing.assert_allclose(LOSSES.get('minimax').g_loss(REAL, FAKE),
                             np.mean(np.log(1 - _sigmoid(FAKE))), rtol=1e-6)
  np.testing.assert_allclose(LOSSES.get('non_saturating').g_loss(REAL, FAKE),
                             -np.mean(np.log(_sigmoid(FAKE))), rtol=1e-6)


@pytest.mark.parametrize('name', list(LOSSES))
def test_losses_and_gradients_stay_finite_for_confident_discriminators(name):
  logits = np.array([-200.0, 200.0], np.float32)
  config = configs.base_config().loss
  config.name = name
  loss = build_loss(config)
  variables = loss.variables or {}  # BEGAN's k_t at its initial value
  for fn in (lambda x: loss.d_loss(x, x[::-1], **variables),
             lambda x: loss.g_loss(x[::-1], x, **variables)):
    value, grad = jax.value_and_grad(fn)(logits)
    assert np.isfinite(value) and np.all(np.isfinite(grad))


def test_non_saturating_loss_keeps_gradient_where_minimax_vanishes():
  # D confidently rejects the fakes: the paper's motivation (§3).
  fake = np.full(4, -10.0, np.float32)
  minimax = jax.grad(LOSSES.get('minimax').g_loss, 1)(REAL, fake)
  non_sat = jax.grad(LOSSES.get('non_saturating').g_loss, 1)(REAL, fake)
  assert np.abs(minimax).max() < 1e-4 < np.abs(non_sat).min()


def test_unknown_loss_lists_the_choices():
  with pytest.raises(ConfigError, match='minimax, mmd, non_saturating'):
    LOSSES.get('wasserstien')


def _softplus(x):
  return np.log1p(np.exp(x.astype(np.float64)))


R, F = REAL.astype(np.float64), FAKE.astype(np.float64)
# name -> (D's loss, G's loss), written out from each paper.
FORMULAS = {
    'wasserstein': (F.mean() - R.mean(), -F.mean()),
    'hinge': (np.maximum(0, 1 - R).mean() + np.maximum(0, 1 + F).mean(),
              -F.mean()),
    'least_squares': (0.5 * ((R - 1) ** 2).mean() + 0.5 * (F ** 2).mean(),
                      0.5 * ((F - 1) ** 2).mean()),
    'relativistic': (-np.log(_sigmoid(R - F)).mean(),
                     -np.log(_sigmoid(F - R)).mean()),
    'relativistic_average': (
        -np.log(_sigmoid(R - F.mean())).mean()
        - np.log(1 - _sigmoid(F - R.mean())).mean(),
        -np.log(_sigmoid(F - R.mean())).mean()
        - np.log(1 - _sigmoid(R - F.mean())).mean()),
    'absolute_error': (0.5 * (1 - _sigmoid(R)).mean() + 0.5 * _sigmoid(F).mean(),
                       -0.5 * _sigmoid(F).mean()),
}


@pytest.mark.parametrize('name', sorted(FORMULAS))
def test_objective_matches_its_formula(name):
  d_expected, g_expected = FORMULAS[name]
  loss = LOSSES.get(name)
  np.testing.assert_allclose(loss.d_loss(REAL, FAKE), d_expected, rtol=1e-5)
  np.testing.assert_allclose(loss.g_loss(REAL, FAKE), g_expected, rtol=1e-5)


def test_every_registered_objective_has_a_formula_test():
  # 'mmd' is checked against numpy in test_gmmn.py, 'began' in test_began.py.
  assert set(LOSSES) == set(FORMULAS) | {'minimax', 'non_saturating', 'mmd',
                                         'began'}


def test_absolute_error_game_value_at_the_optimum():
  """Rocca & Rocca: with D(x)=1 on data and 0 on fakes, E(G, D) = 0."""
  loss = LOSSES.get('absolute_error')
  np.testing.assert_allclose(
      loss.d_loss(np.full(3, 40.0, np.float32), np.full(3, -40.0, np.float32)),
      0.0, atol=1e-7)


def test_relativistic_generator_loss_depends_on_real_outputs():
  loss = LOSSES.get('relativistic')
  assert loss.g_uses_real
  assert float(loss.g_loss(REAL, FAKE)) != float(loss.g_loss(REAL + 1, FAKE))
