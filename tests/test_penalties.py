"""Gradient penalties against hand-computed gradients of simple critics."""
import jax
import jax.numpy as jnp
import ml_collections
import numpy as np
import pytest

from gan_jax import config_checks, configs
from gan_jax.errors import ConfigError
from gan_jax.losses import build_loss
from gan_jax.penalties import PENALTIES, interpolate

RNG = np.random.RandomState(0)
REAL = RNG.randn(5, 3, 2, 1).astype(np.float32)
FAKE = RNG.randn(5, 3, 2, 1).astype(np.float32)
W = RNG.randn(3, 2, 1).astype(np.float32)
KEY = jax.random.PRNGKey(3)


def linear(x):
  """D(x) = <w, x> + 1: its input gradient is w everywhere."""
  return jnp.sum(x * W, axis=(1, 2, 3)) + 1.0


def quadratic(x):
  """D(x) = |x|^2 / 2: its input gradient at x is x itself."""
  return 0.5 * jnp.sum(x ** 2, axis=(1, 2, 3))


def _norms(x):
  return np.linalg.norm(np.asarray(x, np.float64).reshape(len(x), -1), axis=1)


def test_gradient_penalty_of_a_linear_critic():
  expected = (np.linalg.norm(W.astype(np.float64)) - 1.0) ** 2
  value = PENALTIES.get('gp')(linear, REAL, FAKE, KEY)
  np.testing.assert_allclose(value, expected, rtol=1e-5)


def test_gradient_penalty_is_taken_at_the_interpolates():
  x_hat = np.asarray(interpolate(REAL, FAKE, KEY))
  expected = np.mean((_norms(x_hat) - 1.0) ** 2)
  np.testing.assert_allclose(PENALTIES.get('gp')(quadratic, REAL, FAKE, KEY),
                             expected, rtol=1e-5)


def test_interpolates_lie_between_real_and_fake_with_one_weight_each():
  x_hat = np.asarray(interpolate(REAL, FAKE, KEY), np.float64)
  step = (REAL - FAKE).reshape(len(REAL), -1).astype(np.float64)
  eps = np.sum((x_hat.reshape(len(REAL), -1) - FAKE.reshape(len(REAL), -1)) *
               step, axis=1) / np.sum(step ** 2, axis=1)
  np.testing.assert_allclose(  # on the segment: x_hat = fake + eps (real-fake)
      x_hat, FAKE + eps[:, None, None, None] * (REAL - FAKE), atol=1e-5)
  assert np.all((eps >= 0) & (eps <= 1))
  assert len(np.unique(np.round(eps, 6))) == len(eps)  # drawn per example
  assert not np.allclose(eps, np.asarray(  # and from the key
      interpolate(REAL, FAKE, jax.random.PRNGKey(4)))[:, 0, 0, 0])


def test_gradient_penalty_is_finite_for_a_constant_critic():
  value, grad = jax.value_and_grad(
      lambda r: PENALTIES.get('gp')(lambda x: 0.0 * quadratic(x), r, FAKE,
                                    KEY))(REAL)
  assert float(value) == 1.0 and np.all(np.isfinite(grad))


def test_r1_penalty_is_half_the_squared_gradient_norm_on_the_data():
  np.testing.assert_allclose(
      PENALTIES.get('r1')(quadratic, REAL, FAKE, KEY),
      0.5 * np.mean(_norms(REAL) ** 2), rtol=1e-5)
  np.testing.assert_allclose(
      PENALTIES.get('r1')(linear, REAL, FAKE, KEY),
      0.5 * np.sum(W.astype(np.float64) ** 2), rtol=1e-5)


def test_no_penalty_is_zero():
  assert float(PENALTIES.get('none')(quadratic, REAL, FAKE, KEY)) == 0.0


def _loss_config(**fields) -> ml_collections.ConfigDict:
  config = configs.base_config()
  config.loss.update(fields)
  return config


def test_build_loss_attaches_the_penalty_and_its_weight():
  loss = build_loss(_loss_config(name='hinge', penalty='r1',
                                 penalty_weight=3.0).loss)
  assert loss.penalty is PENALTIES.get('r1') and loss.penalty_weight == 3.0


@pytest.mark.parametrize('fields,message', [
    (dict(penalty='gradient'), "unknown penalty 'gradient'; choose one of: "
                               'gp, none, r1'),
    (dict(penalty_weight=-1.0), 'penalty_weight=-1.0 must be >= 0'),
])
def test_bad_penalty_config_is_a_config_error(fields, message):
  with pytest.raises(ConfigError, match=message):
    config_checks.check_config(_loss_config(**fields))
