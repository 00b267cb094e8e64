"""Class-conditional GANs: labels reach G and D, sheets and scores use them."""
import json

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gan_jax import data, train
from gan_jax.errors import ConfigError
from gan_jax.generation import Sampler
from gan_jax.metrics import evaluate_images
from gan_jax.models import balanced_labels, build_models, sheet_labels
from gan_jax.train_state import create_train_state
from tiny import tiny_config


def _cgan(**extra):
  return tiny_config('dcgan', model__num_classes=10, **extra)


def test_sheets_have_a_class_per_row_and_scored_samples_every_class():
  models = build_models(_cgan().model, (28, 28, 1))
  labels = np.asarray(sheet_labels(models, 100)).reshape(10, 10)
  assert (labels == np.arange(10)[:, None]).all()
  scored = np.asarray(balanced_labels(models, 1000))
  assert np.bincount(scored).tolist() == [100] * 10
  # Every tenth of the scored samples (one Inception Score split) holds all
  # classes; in blocks, a split would hold one class and IS would read ~1.
  assert all(len(set(part)) == 10 for part in scored.reshape(10, 100))
  plain = build_models(tiny_config('dcgan').model, (28, 28, 1))
  assert balanced_labels(plain, 10) is None and sheet_labels(plain, 10) is None


def test_the_class_changes_what_g_draws_and_what_d_says():
  config = _cgan()
  gan = train.build_gan(config, (28, 28, 1), 100)
  state = create_train_state(gan.models, gan.g_tx, gan.d_tx, (28, 28, 1), 0)
  z = jnp.tile(jax.random.normal(jax.random.key(0), (1, 8)), (10, 1))
  sampler = Sampler(gan)
  fake = sampler(state, z, jnp.arange(10))          # one z, ten classes
  assert len({fake[i].tobytes() for i in range(10)}) == 10
  np.testing.assert_array_equal(sampler(state, z, jnp.zeros(10, jnp.int32)),
                                np.repeat(fake[:1], 10, axis=0))
  x = jnp.zeros((2, 28, 28, 1))
  d = lambda y: gan.models.discriminator.apply(
      {'params': state.d_params, 'batch_stats': state.d_stats}, x,
      jnp.asarray(y), train=False)
  assert not np.allclose(d([0, 0]), d([3, 7]))


def test_class_accuracy_against_real_digits():
  """Real test digits with their true labels score the classifier's own
  accuracy; with the labels rolled by one, almost nothing."""
  images, labels = data.load_split('mnist', 'test[:2000]')
  right = evaluate_images(images, 'mnist', ['class_acc'], labels=labels)
  wrong = evaluate_images(images, 'mnist', ['class_acc'],
                          labels=(labels + 1) % 10)
  predicted_right = right['class_acc'] * len(labels)
  assert predicted_right == pytest.approx(round(predicted_right))
  assert right['class_acc'] > 0.98 and wrong['class_acc'] < 0.02
  with pytest.raises(ConfigError, match='class-conditional'):
    evaluate_images(images, 'mnist', ['class_acc'])


def test_conditional_config_mistakes_are_one_line_errors():
  with pytest.raises(ConfigError, match='no class-conditional form'):
    build_models(tiny_config('maxout_mlp', model__num_classes=10).model,
                 (28, 28, 1))
  with pytest.raises(ConfigError, match='pack'):
    build_models(_cgan(model__pack=2).model, (28, 28, 1))
  with pytest.raises(ConfigError, match='set model.num_classes=10'):
    train.check_labels(np.arange(10), 5, 'mnist')


def test_short_real_run_logs_class_accuracy_and_a_class_per_row(tmp_path):
  config = _cgan(train__num_steps=4, train__log_every=2,
                 train__sample_every=4, train__num_samples=100,
                 eval__every=4, eval__num_samples=200,
                 eval__metrics='class_acc')
  train.train_and_evaluate(config, str(tmp_path))
  record = json.loads((tmp_path / 'eval' / 'step_0000004.json').read_text())
  assert 0.0 <= record['class_acc'] <= 1.0
  logged = [json.loads(l) for l in (tmp_path / 'metrics.jsonl').open()]
  assert 'eval/class_acc' in logged[-1]
  assert (tmp_path / 'samples' / 'step_0000004.png').exists()
