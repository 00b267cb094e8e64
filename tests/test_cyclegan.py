"""CycleGAN: its two unpaired domains, its losses, its step, a real run."""
import functools

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from gan_jax import data, saved_run, train
from gan_jax.cyclegan_step import make_cyclegan_step, swap_domains
from gan_jax.data.domains import dilate, halves
from gan_jax.errors import ConfigError
from gan_jax.losses import LOSSES
from gan_jax.models import GanModels
from gan_jax.train_state import create_train_state
from gan_jax.train_step import Gan, state_factory
from tiny import tiny_config


def test_domains_are_disjoint_halves_and_b_is_thick_inverted_mnist():
  mnist, labels = data.load_split('mnist', 'train[:200]')
  pairs, pair_labels = data.load_split('mnist_unpaired', 'train[:200]')
  a, b = halves(len(mnist))
  assert not set(a) & set(b) and sorted([*a, *b]) == list(range(200))
  assert pairs.shape == (100, 28, 28, 2) and pairs.dtype == np.uint8
  np.testing.assert_array_equal(pairs[..., :1], mnist[a])
  np.testing.assert_array_equal(pair_labels, np.stack([labels[a], labels[b]],
                                                      1))
  domain_b = pairs[..., 1:]
  # Inverted: the paper is white (MNIST's border is 0, so B's is 255).
  assert (domain_b[:, 0] == 255).all() and np.median(domain_b) == 255
  # Thicker: every B digit has more ink than its own source digit.
  ink = lambda x: (x > 127).sum(axis=(1, 2, 3))
  assert (ink(255 - domain_b) > ink(mnist[b])).all()
  # And B is that exact transform of *other* images than A's.
  np.testing.assert_array_equal(domain_b, 255 - dilate(mnist[b]))
  assert not any((domain_b == 255 - dilate(mnist[a])).all(axis=(1, 2, 3)))


def test_dilation_grows_a_dot_into_a_3x3_block():
  dot = np.zeros((1, 5, 5, 1), np.uint8)
  dot[0, 2, 2] = 200
  expected = np.zeros_like(dot)
  expected[0, 1:4, 1:4] = 200
  np.testing.assert_array_equal(dilate(dot), expected)


class _ScaledSwap(nn.Module):
  """Translators that are s times the identity: G([a|b]) = s [b|a]."""

  @nn.compact
  def __call__(self, x, *, train):
    return swap_domains(x) * self.param('s', nn.initializers.ones, ())


class _MeanCritic(nn.Module):
  """Logits w * (mean pixel) per example and domain, [B, 2]."""

  @nn.compact
  def __call__(self, x, *, train):
    return jnp.mean(x, axis=(1, 2)) * self.param('w', nn.initializers.ones, ())


def _hand_step(scale, identity_weight=1.0):
  models = GanModels(_ScaledSwap(), _MeanCritic(), (-1.0, 1.0), 0, 'normal',
                     translation=True)
  frozen = optax.inject_hyperparams(optax.sgd)(learning_rate=0.0)
  gan = Gan(models, LOSSES.get('least_squares'), frozen, frozen,
            simultaneous=True, identity_weight=identity_weight)
  state = create_train_state(models, gan.g_tx, gan.d_tx, (2, 2, 2), 0)
  state = state.replace(g_params={'s': jnp.asarray(scale)})
  x = jnp.asarray(np.random.RandomState(0).uniform(-1, 1, (3, 2, 2, 2)),
                  jnp.float32)
  _, metrics = make_cyclegan_step(gan)(state, x[None])
  return np.asarray(x), jax.device_get(metrics)


def test_cycle_and_identity_losses_are_zero_for_identity_translators():
  x, metrics = _hand_step(1.0)
  assert metrics['cycle'] == 0 and metrics['identity'] == 0
  # D reads G(x) = [b | a]: LSGAN's 1/2 (l - 1)^2, once per translator.
  logits = np.stack([x[..., 1].mean((1, 2)), x[..., 0].mean((1, 2))], 1)
  adversarial = 2 * 0.5 * np.mean((logits - 1) ** 2)
  assert metrics['g_adv'] == pytest.approx(adversarial, rel=1e-5)
  assert metrics['g_loss'] == pytest.approx(adversarial, rel=1e-5)


def test_cycle_and_identity_losses_match_their_formulas_otherwise():
  x, metrics = _hand_step(0.5, identity_weight=2.0)
  # G(G(x)) = x / 4 and G(swap(x)) = x / 2; mean L1 summed over 2 domains.
  assert metrics['cycle'] == pytest.approx(2 * np.mean(np.abs(0.75 * x)),
                                           rel=1e-5)
  assert metrics['identity'] == pytest.approx(2 * np.mean(np.abs(0.5 * x)),
                                              rel=1e-5)
  assert metrics['g_loss'] == pytest.approx(
      metrics['g_adv'] + 10 * metrics['cycle'] + 2 * metrics['identity'],
      rel=1e-5)


def _kernels(params, prefix):
  return [x for path, x in jax.tree_util.tree_leaves_with_path(params)
          if jax.tree_util.keystr(path).startswith(prefix)
          and 'kernel' in jax.tree_util.keystr(path)]


def test_one_step_moves_both_translators_and_both_critics():
  # test_train_step runs one step for every objective and update scheme.
  config = tiny_config('cyclegan', loss__name='non_saturating',
                       loss__identity_weight=5.0)
  pairs = np.random.RandomState(0).randint(0, 256, (32, 28, 28, 2), np.uint8)
  gan = train.build_gan(config, pairs.shape[1:], len(pairs))
  before = jax.jit(functools.partial(state_factory(gan, pairs.shape[1:]),
                                     0))()
  step = jax.jit(train.make_dataset_step(gan, 16, None))
  after, metrics = step(before, data.sampler.DeviceData(pairs))
  for tree, prefix in ((before.g_params, "['ab']"),
                       (before.g_params, "['ba']"),
                       (before.d_params, "['a']"), (before.d_params, "['b']")):
    new = after.g_params if tree is before.g_params else after.d_params
    moved = [not np.array_equal(x, y)
             for x, y in zip(_kernels(tree, prefix), _kernels(new, prefix))]
    assert moved and all(moved), prefix
  assert all(np.isfinite(metrics[k]) and metrics[k] > 0
             for k in ('d_loss', 'g_loss', 'g_adv', 'cycle', 'identity'))
  assert int(metrics['nonfinite']) == 0


def test_the_two_domains_are_drawn_independently():
  pairs = np.arange(64, dtype=np.uint8)[:, None, None, None] * np.ones(
      (1, 4, 4, 2), np.uint8)
  x = data.sampler.sample_unpaired(jnp.asarray(pairs), jax.random.key(0), 0,
                                   1, 32, (0.0, 255.0))
  rows_a, rows_b = np.asarray(x[0, :, 0, 0, 0]), np.asarray(x[0, :, 0, 0, 1])
  assert len(set(rows_a)) == len(set(rows_b)) == 32
  assert (rows_a != rows_b).mean() > 0.9


def _run_config(steps):
  return tiny_config('cyclegan', train__num_steps=steps,
                     train__checkpoint_every=3, train__sample_every=3,
                     train__log_every=3, data__split='train[:128]')


def test_short_real_run_saves_sheets_checkpoints_and_resumes_exactly(
    tmp_path):
  straight = train.train_and_evaluate(_run_config(6), str(tmp_path / 'a'))
  train.train_and_evaluate(_run_config(4), str(tmp_path / 'b'))
  resumed = train.train_and_evaluate(_run_config(6), str(tmp_path / 'b'))
  leaves = jax.tree_util.tree_leaves_with_path(straight)
  for (path, x), y in zip(leaves, jax.tree.leaves(resumed)):
    np.testing.assert_array_equal(np.asarray(x), np.asarray(y),
                                  err_msg=jax.tree_util.keystr(path))
  sheets = sorted(p.name for p in (tmp_path / 'a' / 'samples').iterdir())
  assert sheets == ['step_0000003.png', 'step_0000006.png']
  from PIL import Image  # pylint: disable=g-import-not-at-top
  sheet = np.asarray(Image.open(tmp_path / 'a' / 'samples' / sheets[-1]))
  assert sheet.shape == (6 * 29 + 1, 4 * 29 + 1)  # 6 rows, num_samples cols
  run = saved_run.load_run(str(tmp_path / 'a'))
  assert run.step == 6
  with pytest.raises(ConfigError, match='cyclegan_labels'):
    saved_run.noise(run, 4)


def test_unsupported_settings_are_one_line_config_errors():
  for override in ({'eval__every': 100}, {'train__d_steps': 2},
                   {'loss__penalty': 'gp'}, {'loss__name': 'wasserstein'}):
    with pytest.raises(ConfigError, match='translates images and supports'):
      train.config_checks.check_config(tiny_config('cyclegan', **override))
  with pytest.raises(ConfigError, match='mnist_unpaired'):
    train.build_gan(tiny_config('dcgan', model__name='cyclegan'),
                    (28, 28, 1), 10)
