"""BEGAN: its objective, its k_t control, its autoencoder D, its checkpoint."""
import json

import jax
import numpy as np
import pytest

from gan_jax import config_checks, train
from gan_jax.errors import ConfigError
from gan_jax.losses import LOSSES, build_loss
from gan_jax.models import build_models
from tiny import tiny_config

REAL = np.array([0.2, 0.4, 0.3], np.float32)   # L(x) per sample, mean 0.3
FAKE = np.array([0.1, 0.3, 0.2], np.float32)   # L(G(z)), mean 0.2


def _loss(**overrides):
  return build_loss(tiny_config('began', **overrides).loss)


def test_objectives_match_the_paper():
  loss = _loss()
  assert float(loss.d_loss(REAL, FAKE, k=0.25)) == pytest.approx(
      0.3 - 0.25 * 0.2)
  assert float(loss.g_loss(REAL, FAKE, k=0.25)) == pytest.approx(0.2)
  assert LOSSES.get('began').variables == {'k': 0.0}


def test_k_follows_the_proportional_control_and_stays_in_0_1():
  loss = _loss(loss__began_gamma=0.5, loss__began_lambda_k=0.1)
  new, metrics = loss.update_variables({'k': 0.5}, REAL, FAKE)
  # gamma L(x) - L(G(z)) = 0.15 - 0.2 = -0.05
  assert float(new['k']) == pytest.approx(0.5 - 0.1 * 0.05)
  assert float(metrics['m_global']) == pytest.approx(0.3 + 0.05)
  assert float(metrics['recon_real']) == pytest.approx(0.3)
  assert float(loss.update_variables({'k': 0.001}, REAL, FAKE)[0]['k']) == 0.0
  assert float(loss.update_variables({'k': 0.999}, REAL, 0 * FAKE)[0]['k']) \
      == 1.0


def test_d_outputs_reconstruction_errors():
  models = build_models(tiny_config('began').model, (28, 28, 1))
  x = jax.random.uniform(jax.random.key(0), (3, 28, 28, 1), minval=-1)
  variables = models.discriminator.init(jax.random.key(1), x, train=False)
  errors = models.discriminator.apply(variables, x, train=False)
  assert errors.shape == (3,) and bool((errors > 0).all())
  # The error is |x - D's reconstruction|: shifting x by c moves it by c
  # wherever the reconstruction stays put, so a constant image far outside
  # the data range has an error close to that constant.
  far = models.discriminator.apply(variables, x * 0 + 100.0, train=False)
  assert float(far.min()) > 50


@pytest.mark.parametrize('overrides,message', [
    ({'loss__name': 'non_saturating'}, 'go together'),
    ({'loss__began_gamma': 0.0}, r'in \(0, 1\]'),
    ({'loss__began_lambda_k': -1.0}, '>= 0'),
])
def test_began_config_errors(overrides, message):
  with pytest.raises(ConfigError, match=message):
    config_checks.check_config(tiny_config('began', **overrides))
  with pytest.raises(ConfigError, match='go together'):
    config_checks.check_config(tiny_config('dcgan', loss__name='began'))


def test_k_t_is_trained_logged_and_checkpointed_on_real_mnist(tmp_path):
  config = tiny_config('began', train__num_steps=6, train__log_every=1,
                       train__checkpoint_every=3, train__sample_every=1000,
                       loss__began_lambda_k=0.05, loss__began_gamma=1.0)
  train.train_and_evaluate(config, str(tmp_path / 'resumed'))  # to step 6
  config.train.num_steps = 10
  resumed = train.train_and_evaluate(config, str(tmp_path / 'resumed'))
  straight = train.train_and_evaluate(config, str(tmp_path / 'straight'))
  # The resumed run restored k_t: it ends exactly where a straight run does.
  jax.tree.map(np.testing.assert_array_equal, resumed, straight)

  logged = [json.loads(l) for l in
            (tmp_path / 'straight' / 'metrics.jsonl').read_text().splitlines()]
  assert [r['step'] for r in logged] == list(range(1, 11))
  k = 0.0
  for r in logged:  # replay the control law from the logged L(x), L(G(z))
    k = min(max(k + 0.05 * (r['recon_real'] - r['recon_fake']), 0.0), 1.0)
    assert r['k'] == pytest.approx(k, abs=1e-5)
    assert r['m_global'] == pytest.approx(
        r['recon_real'] + abs(r['recon_real'] - r['recon_fake']), abs=1e-5)
  assert float(straight.extra['loss']['k']) == pytest.approx(k, abs=1e-5)
  assert 0 < k < 1, 'the test should exercise k between its bounds'
