"""InfoGAN: its latent codes, its mutual-information term, its code score."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gan_jax.errors import ConfigError
from gan_jax.losses import mutual_information
from gan_jax.metrics.assignment import best_assignment_accuracy, confusion
from gan_jax.models import build_models, sample_noise, set_codes
from tiny import tiny_config


def _models(**extra):
  return build_models(tiny_config('dcgan', model__info_codes=(10, 2),
                                  **extra).model, (28, 28, 1))


def test_latent_is_noise_then_one_hot_category_then_uniform_codes():
  models = _models()
  z = np.asarray(sample_noise(models, jax.random.key(0), 1000))
  assert z.shape == (1000, 8 + 10 + 2)
  cat, cont = z[:, 8:18], z[:, 18:]
  assert (cat.sum(1) == 1).all() and set(np.unique(cat)) == {0.0, 1.0}
  assert len(np.unique(cat.argmax(1))) == 10
  assert cont.min() >= -1 and cont.max() <= 1 and abs(cont.mean()) < 0.05
  # Models without codes draw exactly what they always drew.
  plain = build_models(tiny_config('dcgan').model, (28, 28, 1))
  np.testing.assert_array_equal(
      sample_noise(plain, jax.random.key(3), 4),
      jax.random.normal(jax.random.key(3), (4, 8)))


def test_set_codes_overwrites_only_the_codes():
  models = _models()
  z = sample_noise(models, jax.random.key(0), 3)
  out = np.asarray(set_codes(models, z, jnp.array([0, 4, 9]),
                             jnp.full((3, 2), 0.5)))
  np.testing.assert_array_equal(out[:, :8], np.asarray(z)[:, :8])
  assert out[:, 8:18].argmax(1).tolist() == [0, 4, 9]
  assert (out[:, 18:] == 0.5).all()


def test_mutual_information_matches_its_formula():
  rng = np.random.RandomState(0)
  q = rng.normal(size=(5, 12)).astype(np.float32)
  cat = rng.randint(0, 10, 5)
  cont = rng.uniform(-1, 1, (5, 2)).astype(np.float32)
  z = np.concatenate([rng.normal(size=(5, 3)), np.eye(10)[cat], cont], 1)
  logits = q[:, :10]
  log_p = logits - np.log(np.exp(logits).sum(1, keepdims=True))
  expected = (-log_p[np.arange(5), cat].mean() +
              0.5 * ((cont - q[:, 10:]) ** 2).sum(1).mean())
  got = mutual_information(jnp.asarray(q), jnp.asarray(z, jnp.float32), (10, 2))
  assert float(got) == pytest.approx(expected, rel=1e-5)


def test_code_accuracy_takes_the_best_one_to_one_matching():
  permutation = [3, 0, 1, 2]
  codes = np.repeat(np.arange(4), 10)
  predicted = np.array(permutation)[codes]
  predicted[0] = 1                      # one of code 0's ten is off
  counts = confusion(codes, predicted, 4, 4)
  accuracy, mapping = best_assignment_accuracy(counts)
  assert mapping == permutation and accuracy == pytest.approx(39 / 40)
  # Two codes on one digit: only one of them may claim it.
  accuracy, _ = best_assignment_accuracy(np.array([[10, 0], [10, 0]]))
  assert accuracy == pytest.approx(0.5)


def test_codes_and_classes_do_not_mix():
  with pytest.raises(ConfigError, match='do not combine'):
    _models(model__num_classes=10)


def test_codes_and_packing_do_not_mix():
  """Packed, Q would see two samples' worth of D features and the step
  failed with a shape error; now the config is refused in one line."""
  with pytest.raises(ConfigError, match=r'pack > 1 .* InfoGAN codes'):
    _models(model__pack=2)
