"""Progressive growing: its schedule, its fades, and a run that carries the
stage through checkpoints."""
import json
import shutil

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from PIL import Image

from gan_jax import evaluation, images, saved_run, train
from gan_jax.errors import ConfigError
from gan_jax.generation import Sampler
from gan_jax.models import build_models
from gan_jax.models.growth import Growth, upsample
from gan_jax.train import build_gan
from gan_jax.train_state import TrainState, create_train_state
from tiny import tiny_config

SHAPE = (32, 32, 1)


def _models():
  return build_models(tiny_config('progan').model, SHAPE)


def _blocky(x, size):
  """True if x [B, 32, 32, C] is constant on every size x size block."""
  return np.allclose(x, upsample(x[:, ::size, ::size], size), atol=1e-6)


def test_level_schedule_fades_each_new_resolution_in_then_holds_it():
  growth = Growth(num_stages=4, stage_steps=100, fade_fraction=0.5)
  levels = {s: float(growth.level(s)) for s in
            (0, 99, 100, 125, 150, 199, 200, 225, 300, 349, 350, 400, 10**6)}
  assert levels == {0: 0.0, 99: 0.0, 100: 0.0, 125: 0.5, 150: 1.0, 199: 1.0,
                    200: 1.0, 225: 1.5, 300: 2.0, 349: pytest.approx(2.98),
                    350: 3.0, 400: 3.0, 10**6: 3.0}
  stages = [int(growth.stage(growth.level(s))) for s in (0, 99, 101, 199,
                                                         201, 399)]
  assert stages == [0, 0, 1, 1, 2, 3]


def test_generator_at_level_s_is_the_upsampled_resolution_s_path():
  models = _models()
  z = jax.random.normal(jax.random.key(0), (3, 8))
  variables = jax.jit(lambda: models.generator.init(jax.random.key(1), z,
                                                    train=False))()

  @jax.jit
  def run(level):  # (output, every toRGB's output)
    out, inter = models.generator.apply(variables, z, train=False,
                                        level=level,
                                        capture_intermediates=True)
    return out, [inter['intermediates'][f'to_rgb_{r}']['__call__'][0]
                 for r in range(4)]

  for s in range(4):
    out, rgb = run(float(s))
    np.testing.assert_allclose(out, upsample(rgb[s], 2 ** (3 - s)),
                               atol=1e-6)
  out, _ = run(0.0)
  assert _blocky(out, 8) and not _blocky(out, 16)
  # Mid-fade, 16x16 is half in: o = up2(0.5 rgb_2 + 0.5 up2(rgb_1)).
  out, rgb = run(1.5)
  np.testing.assert_allclose(
      out, upsample(0.5 * rgb[2] + 0.5 * upsample(rgb[1])), atol=1e-6)


def _zero_grads(module, variables, x, levels):
  """Per level, per layer: True if the layer got no gradient at all."""
  grad = jax.jit(jax.grad(lambda p, level: jnp.sum(module.apply(
      {'params': p}, x, train=False, level=level) ** 2)))
  out = []
  for level in levels:
    grads = grad(variables['params'], level)
    out.append({name: all(not np.any(g) for g in jax.tree.leaves(tree))
                for name, tree in grads.items()})
  return out


def test_blocks_above_the_stage_get_no_gradient():
  models = _models()
  x = jax.random.normal(jax.random.key(0), (4, *SHAPE))
  d_vars = jax.jit(lambda: models.discriminator.init(jax.random.key(1), x,
                                                     train=False))()
  zero, mid = _zero_grads(models.discriminator, d_vars, x, (1.0, 1.5))
  assert {k for k, v in zero.items() if v} == {
      'block_2_conv0', 'block_2_conv1', 'block_3_conv0', 'block_3_conv1',
      'from_rgb_0', 'from_rgb_2', 'from_rgb_3'}
  # Mid-fade into 16x16: both 8x8 inputs, the old and the new, train.
  assert {k for k, v in mid.items() if v} == {
      'block_3_conv0', 'block_3_conv1', 'from_rgb_0', 'from_rgb_3'}
  z = jax.random.normal(jax.random.key(2), (4, 8))
  g_vars = jax.jit(lambda: models.generator.init(jax.random.key(3), z,
                                                 train=False))()
  (zero,) = _zero_grads(models.generator, g_vars, z, (0.0,))
  assert {k for k, v in zero.items() if not v} == {
      'block_0_dense', 'block_0_conv', 'to_rgb_0'}


def test_reals_fade_like_the_generator():
  growth = _models().growth
  x = np.random.RandomState(0).uniform(size=(2, 3, *SHAPE))  # [k, B, ...]
  x = x.astype(np.float32)
  fade = jax.jit(growth.fade_reals)
  np.testing.assert_allclose(fade(x, 3.0), x, atol=1e-6)
  pooled = x.reshape(2, 3, 4, 8, 4, 8, 1).mean(axis=(3, 5))
  np.testing.assert_allclose(fade(x, 0.0), upsample(pooled, 8), atol=1e-6)
  half = x.reshape(2, 3, 16, 2, 16, 2, 1).mean(axis=(3, 5))
  np.testing.assert_allclose(fade(x, 2.5), 0.5 * x + 0.5 * upsample(half),
                             atol=1e-6)


def test_sampler_draws_at_the_level_in_the_state():
  gan = build_gan(tiny_config('progan'), SHAPE, 100)
  initial = jax.eval_shape(lambda: create_train_state(
      gan.models, gan.g_tx, gan.d_tx, SHAPE, 0)).extra
  assert {k: (v.shape, v.dtype) for k, v in initial.items()} == {
      'level': ((), jnp.float32), 'stage': ((), jnp.int32)}
  z = jax.random.normal(jax.random.key(0), (4, 8))
  # Only G matters to the sampler: skip compiling D's and Adam's init.
  g_params = jax.jit(lambda: gan.models.generator.init(
      jax.random.key(1), z, train=False)['params'])()
  state = TrainState(step=jnp.zeros((), jnp.int32), key=jax.random.key(0),
                     g_params=g_params, d_params={}, g_stats={}, d_stats={},
                     g_opt_state=(), d_opt_state=(), g_ema=g_params,
                     extra=gan.models.growth.initial_extra())
  assert _blocky(Sampler(gan)(state, z), 8)
  final = Sampler(gan)(state.replace(extra={}), z)  # no level: the last one
  assert not _blocky(final, 2)


def test_models_refuse_images_that_cannot_grow():
  with pytest.raises(ConfigError, match='pad_to=32'):
    build_models(tiny_config('progan').model, (28, 28, 1))
  with pytest.raises(ConfigError, match='model.pack=1'):
    build_models(tiny_config('progan', model__pack=2).model, SHAPE)


def test_padding_is_centred_and_never_crops():
  config = tiny_config('progan', data__split='test[:20]')
  padded = train.load_training_images(config)
  plain = train.load_training_images(tiny_config('progan', data__pad_to=0,
                                                 data__split='test[:20]'))
  assert padded.shape == (20, 32, 32, 1)
  np.testing.assert_array_equal(padded[:, 2:30, 2:30], plain)
  assert not padded[:, :2].any() and not padded[:, :, 30:].any()
  with pytest.raises(ConfigError, match='data.pad_to=20 is smaller'):
    train.load_training_images(tiny_config('progan', data__pad_to=20,
                                           data__split='test[:20]'))


def test_evaluation_scores_the_centre_of_padded_images():
  real = train.load_training_images(
      tiny_config('progan', data__split='test[:200]', data__pad_to=0))
  config = tiny_config('progan')
  padded = evaluation.evaluate_samples(images.pad_to(real, 32), config, 0,
                                       ['is'])
  config.data.pad_to = 0
  plain = evaluation.evaluate_samples(real, config, 0, ['is'])
  assert padded == plain


def _run_config(num_steps):
  # stage_steps 4: levels 0 x5, 0.5, 1 x3, 1.5, 2 x3, 2.5, 3 ...; all four
  # resolutions by step 14.
  return tiny_config('progan', train__num_steps=num_steps,
                     model__stage_steps=4, train__checkpoint_every=5,
                     train__sample_every=20, train__log_every=1,
                     data__split='train[:320]')


def test_growing_run_resumes_at_its_stage_and_matches_a_straight_run(
    tmp_path):
  """A real-data run through all four stages; then the same run resumed
  from its own step-10 checkpoint (one loop compile fewer than training a
  second run to step 10)."""
  straight = train.train_and_evaluate(_run_config(20),
                                      str(tmp_path / 'straight'))
  assert float(straight.extra['level']) == 3.0
  assert int(straight.extra['stage']) == 3
  metrics = [json.loads(line) for line in
             (tmp_path / 'straight' / 'metrics.jsonl').read_text().splitlines()]
  assert len(metrics) == 20
  assert all(np.isfinite(m[k]) for m in metrics for k in ('d_loss', 'g_loss'))
  sheet = Image.open(tmp_path / 'straight' / 'samples' / 'step_0000020.png')
  assert sheet.size == (2 * 33 + 1, 2 * 33 + 1)   # 2x2 of 32x32, 1 px gaps

  resumed_dir = tmp_path / 'resumed'
  shutil.copytree(tmp_path / 'straight', resumed_dir)
  for step in (15, 20):
    shutil.rmtree(resumed_dir / 'checkpoints' / str(step))
  mid = saved_run.load_run(str(resumed_dir))
  # The update at step index 9 ran at level 1.5 (16x16 half faded in).
  assert mid.step == 10
  assert float(mid.state.extra['level']) == 1.5
  assert int(mid.state.extra['stage']) == 2
  resumed = train.train_and_evaluate(_run_config(20), str(resumed_dir))
  leaves = jax.tree_util.tree_leaves_with_path(straight)
  for (path, a), b in zip(leaves, jax.tree.leaves(resumed)):
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b),
                                  err_msg=jax.tree_util.keystr(path))
