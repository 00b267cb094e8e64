"""GMMN: the kernel MMD against numpy, its config rules, and a real-data run."""
import json

import jax
import numpy as np
import pytest

from gan_jax import config_checks, train
from gan_jax.errors import ConfigError
from gan_jax.losses import build_loss, kernel_mmd2
from tiny import tiny_config

RNG = np.random.RandomState(0)
X = RNG.rand(6, 4, 4, 1).astype(np.float32)
Y = (RNG.rand(9, 4, 4, 1) ** 2).astype(np.float32)
SIGMAS = (0.5, 2.0, 8.0)


def _numpy_mmd2(x, y, sigmas):
  """The textbook biased estimate, pair by pair, in float64."""
  x = x.reshape(len(x), -1).astype(np.float64)
  y = y.reshape(len(y), -1).astype(np.float64)

  def k(a, b):
    return sum(np.exp(-np.sum((a - b) ** 2) / (2 * s)) for s in sigmas)

  def mean_k(a, b):
    return np.mean([[k(u, v) for v in b] for u in a])

  return mean_k(x, x) + mean_k(y, y) - 2 * mean_k(x, y)


def test_mmd_matches_the_pairwise_formula():
  np.testing.assert_allclose(kernel_mmd2(X, Y, SIGMAS),
                             _numpy_mmd2(X, Y, SIGMAS), rtol=1e-4)


def test_mmd_is_zero_only_between_equal_samples():
  assert abs(float(kernel_mmd2(X, X[::-1], SIGMAS))) < 1e-6
  assert float(kernel_mmd2(X, X + 0.1, SIGMAS)) > 1e-4


def test_generator_loss_is_the_root_mmd_of_the_configured_kernel():
  config = tiny_config('gmmn', loss__mmd_sigmas=SIGMAS).loss
  loss = build_loss(config)
  np.testing.assert_allclose(loss.g_loss(X, Y),
                             np.sqrt(_numpy_mmd2(X, Y, SIGMAS)), rtol=1e-4)
  assert float(loss.d_loss(X, Y)) == 0.0 and not loss.trains_d
  # sqrt's slope stays finite when the samples coincide.
  assert np.all(np.isfinite(jax.grad(loss.g_loss, 1)(X, X)))


@pytest.mark.parametrize('model,overrides,message', [
    ('gmmn', dict(loss__name='hinge'), "go together; got loss 'hinge'"),
    ('dcgan', dict(loss__name='mmd'), "with model 'dcgan'"),
    ('gmmn', dict(loss__mmd_sigmas=(1.0, 0.0)), 'positive kernel scales'),
    ('gmmn', dict(model__spectral_norm=True),
     "not supported by model 'gmmn'; models that support it: dcgan, "
     'maxout_mlp'),
])
def test_gmmn_config_errors(model, overrides, message):
  with pytest.raises(ConfigError, match=message):
    config_checks.check_config(tiny_config(model, **overrides))


def test_a_penalty_needs_a_discriminator():
  with pytest.raises(ConfigError, match='trains none'):
    build_loss(tiny_config('gmmn', loss__penalty='gp').loss)


def _logged(workdir):
  return [json.loads(l) for l in
          (workdir / 'metrics.jsonl').read_text().splitlines()]


def test_mmd_falls_on_real_mnist_and_the_run_resumes(tmp_path):
  """D has no parameters: its empty tree must checkpoint and restore too."""
  config = tiny_config('gmmn', train__num_steps=40, train__batch_size=100,
                       train__log_every=5, train__checkpoint_every=20,
                       train__sample_every=1000, model__g_hidden=(32, 64))
  train.train_and_evaluate(config, str(tmp_path))
  config.train.num_steps = 60
  state = train.train_and_evaluate(config, str(tmp_path))
  assert int(state.step) == 60 and state.d_params == {}

  mmd = np.array([r['g_loss'] for r in _logged(tmp_path)])
  assert len(mmd) == 12 and np.all(np.isfinite(mmd))
  assert mmd[-3:].mean() < 0.7 * mmd[:2].mean(), mmd
