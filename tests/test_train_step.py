"""One update for every model x objective (and update scheme), for sanity."""
import functools
import re

import jax
import numpy as np
import pytest

from gan_jax import config_checks, images, parallel
from gan_jax.errors import ConfigError
from gan_jax.losses import LOSSES
from gan_jax.models import MODELS
from gan_jax.models.spec import TRANSLATION_MODELS, VECTOR_MODELS
from gan_jax.data.sampler import DeviceData
from gan_jax.train import build_gan, make_dataset_step
from gan_jax.train_step import ema_decay, state_factory
from tiny import tiny_config

IMAGES = np.random.RandomState(0).randint(0, 256, (64, 28, 28, 1), np.uint8)
DOMAINS = np.random.RandomState(0).randint(0, 256, (64, 28, 28, 2), np.uint8)
POINTS = np.random.RandomState(0).normal(size=(64, 2)).astype(np.float32)
LABELS = np.arange(64, dtype=np.int32) % 10


def _one_step(config):
  data = _data_for(config)
  gan = build_gan(config, data.shape[1:], len(data))
  state = jax.jit(functools.partial(state_factory(gan, data.shape[1:]), 0))()
  step = jax.jit(make_dataset_step(gan, config.train.batch_size,
                                   parallel.make_mesh()))
  labels = LABELS if gan.models.num_classes else None
  return state, *step(state, DeviceData(data, labels))


# Parameters that a first update trains: all, except that progressive
# growing starts at 4x4, where only G's and D's 4x4 path is in use (the
# others get zero gradients by design; tests/test_progan.py).
TRAINED_FIRST = {'progan': r'block_0|to_rgb_0|from_rgb_0|final'}


def _trained(params, model):
  pattern = TRAINED_FIRST.get(model, '')
  return {jax.tree_util.keystr(path): x for path, x in
          jax.tree_util.tree_leaves_with_path(params)
          if re.search(pattern, jax.tree_util.keystr(path))}


def _kernels(params, model=''):
  return {k: x for k, x in _trained(params, model).items() if 'kernel' in k}


def _changed(before, after):
  return [not np.array_equal(a, b) for a, b in
          zip(jax.tree.leaves(before), jax.tree.leaves(after))]


# Progressive growing on 8x8 crops: two stages (4x4, 8x8) hold every kind of
# block, and each more stage is another of each to compile (8x8 instead of
# 32x32 halves the suite's ProGAN time); test_progan grows to 32x32.
PROGAN_SIDE = 8


def _data_for(config) -> np.ndarray:
  if config.model.name in VECTOR_MODELS:
    return POINTS
  if config.model.name in TRANSLATION_MODELS:
    return DOMAINS
  if config.model.name == 'progan':
    return IMAGES[:, :PROGAN_SIDE, :PROGAN_SIDE]
  return images.pad_to(IMAGES, config.data.pad_to)


def _allowed(model, **overrides) -> bool:
  """Whether the config checks and the model's builder accept the setting."""
  config = tiny_config(model, **overrides)
  try:
    config_checks.check_config(config)
    data = _data_for(config)
    build_gan(config, data.shape[1:], len(data))
  except ConfigError:
    return False
  return True


# Model variants that are a registered model plus config.
VARIANTS = {'cgan': ('dcgan', (('model.num_classes', 10),)),
            'infogan': ('dcgan', (('model.info_codes', (10, 2)),))}
NO_EXTRAS = (('loss.penalty', 'none'),)
# Regularisers and training aids (besides the EMA, on in every case).
REGULARISERS = [(('loss.penalty', penalty), ('model.spectral_norm', sn),
                 ('model.pack', pack))
                for penalty in ('none', 'gp', 'r1') for sn in (False, True)
                for pack in (1, 2)][1:]  # [0] is NO_EXTRAS
# The objective a model's regulariser cases use: its first allowed one.
PREFERRED_LOSSES = ('non_saturating', 'wasserstein', 'began', 'mmd',
                    'least_squares')


def _allowed_case(model, loss, extras=NO_EXTRAS) -> bool:
  base, variant = VARIANTS.get(model, (model, ()))
  return _allowed(base, loss__name=loss, **{
      k.replace('.', '__'): v for k, v in (*variant, *extras)})


def _regulariser_cases(model):
  for extras in REGULARISERS:
    loss = next((l for l in PREFERRED_LOSSES
                 if _allowed_case(model, l, extras)), None)
    if loss is not None:
      yield (model, loss, 'alternating', extras)


# Every model (and variant) x every objective that the configs allow; every
# model x every regulariser setting that it allows (penalty x spectral
# normalisation x packing), each with the model's usual objective; and the
# update schemes with the paper's loss. Regularisers add a term to D's loss,
# rescale D's kernels or reshape D's input whatever the objective, so the
# whole product (about 500 cases, ~10 CPU minutes) would add little; a few
# crossings with other objectives are listed at the end.
MODELS_AND_VARIANTS = [*MODELS, 'cgan', 'infogan']
COMBINATIONS = list(dict.fromkeys(
    [(m, l, 'alternating', NO_EXTRAS) for m in [*MODELS, 'cgan']
     for l in LOSSES if _allowed_case(m, l)] +
    [case for m in MODELS_AND_VARIANTS for case in _regulariser_cases(m)] +
    [(m, 'non_saturating', 'simultaneous', NO_EXTRAS) for m in MODELS
     if _allowed(m, loss__name='non_saturating')] +
    [('dcgan', 'wasserstein', 'alternating', (('loss.penalty', 'gp'),)),
     ('dcgan', 'hinge', 'alternating', (('loss.penalty', 'r1'),
                                        ('model.spectral_norm', True))),
     ('cgan', 'hinge', 'alternating', (('loss.penalty', 'r1'),)),
     ('infogan', 'non_saturating', 'alternating', NO_EXTRAS),
     ('infogan', 'non_saturating', 'alternating', (('loss.penalty', 'none'),
                                                   ('model.fc_width', 8))),
     ('infogan', 'wasserstein', 'alternating', (('loss.penalty', 'gp'),)),
     ('progan', 'wasserstein', 'alternating', (('loss.penalty', 'gp'),)),
     ('maxout_mlp', 'least_squares', 'alternating',
      (('loss.penalty', 'gp'), ('model.spectral_norm', True))),
     ('maxout_mlp', 'relativistic', 'alternating', (('loss.penalty', 'r1'),))]))


def _name(combination) -> str:
  *names, extras = combination
  return '-'.join(names + [f'{k.split(".")[-1]}={v}' for k, v in extras])


@pytest.mark.parametrize('model,loss,scheme,extras', COMBINATIONS,
                         ids=[_name(c) for c in COMBINATIONS])
def test_one_update(model, loss, scheme, extras):
  model, variant = VARIANTS.get(model, (model, ()))
  config = tiny_config(model, loss__name=loss, train__update_scheme=scheme,
                       train__ema_decay=0.5, **{k.replace('.', '__'): v
                                                for k, v in (*variant,
                                                             *extras)})
  before, after, metrics = _one_step(config)

  assert int(after.step) == 1
  assert jax.tree.map(np.shape, after.g_params) == \
      jax.tree.map(np.shape, before.g_params)
  for tree in (after, metrics):
    assert all(np.all(np.isfinite(x)) for x in jax.tree.leaves(tree)
               if np.issubdtype(np.asarray(x).dtype, np.floating))
  # Every D kernel moves (biases need not: objectives that only compare D's
  # outputs, such as W1, hinge at init or the relativistic ones, give D's
  # output bias no gradient). G's first layer may move by less than float32
  # resolution: behind the 2014 D's tiny initial weights (U(-0.005, 0.005))
  # its gradient is ~1e-11, so we ask that G moved, not every G tensor.
  assert all(_changed(_kernels(before.d_params, model),
                      _kernels(after.d_params, model)))
  g_before, g_after = (_trained(p, model) for p in (before.g_params,
                                                    after.g_params))
  assert any(_changed(g_before, g_after))
  assert _changed(g_before, g_after)[-1]  # G's output layer
  assert any(_changed(before.g_ema, after.g_ema))
  assert 0 < metrics['d_real'] < 1 and 0 < metrics['d_fake'] < 1
  assert (metrics['d_penalty'] > 0) == (config.loss.penalty != 'none')


def _setting(extras) -> tuple:
  extras = dict(extras)
  return (extras['loss.penalty'], extras.get('model.spectral_norm', False),
          extras.get('model.pack', 1))


def test_every_objective_and_regulariser_is_covered():
  assert {loss for _, loss, _, _ in COMBINATIONS} == set(LOSSES)
  assert {_setting(e) for *_, e in COMBINATIONS} == \
      {_setting(e) for e in (NO_EXTRAS, *REGULARISERS)}
  # The unconditional image GANs accept every setting; conditional ones and
  # InfoGAN every one but packing.
  every = {_setting(e) for e in (NO_EXTRAS, *REGULARISERS)}
  for model, settings in (('dcgan', every), ('maxout_mlp', every),
                          ('cgan', {s for s in every if s[2] == 1}),
                          ('infogan', {s for s in every if s[2] == 1})):
    assert {_setting(e) for m, *_, e in COMBINATIONS if m == model} == \
        settings, model


def test_fc_width_puts_a_dense_layer_after_z_and_before_d_scores():
  def kernel_shapes(**overrides):
    gan = build_gan(tiny_config('dcgan', **overrides), IMAGES.shape[1:],
                    len(IMAGES))
    state = jax.eval_shape(state_factory(gan, IMAGES.shape[1:]), 0)
    return [[x.shape for x in jax.tree.leaves(_kernels(params))]
            for params in (state.g_params, state.d_params)]

  (g_plain, d_plain), (g_fc, d_fc) = kernel_shapes(), kernel_shapes(
      model__fc_width=8)
  z_dim = tiny_config('dcgan').model.z_dim
  assert g_fc == [(z_dim, 8), (8, g_plain[0][1]), *g_plain[1:]]
  assert d_fc == [*d_plain[:-1], (d_plain[-1][0], 8), (8, 1)]


def test_k_discriminator_steps_apply_k_optimizer_updates():
  config = tiny_config('maxout_mlp', train__d_steps=3)
  _, after, _ = _one_step(config)
  assert int(after.d_opt_state.count) == 3
  assert int(after.g_opt_state.count) == 1


def test_k_discriminator_steps_are_unrolled_not_a_loop():
  """Inside a while loop XLA:CPU ran DCGAN's D updates 7x slower (their
  kernel gradients lost Eigen's layouts), so the k - 1 extra updates are
  traced one after another."""
  def loops(d_steps):
    config = tiny_config('dcgan', train__d_steps=d_steps)
    gan = build_gan(config, IMAGES.shape[1:], len(IMAGES))
    state = jax.eval_shape(state_factory(gan, IMAGES.shape[1:]), 0)
    step = jax.jit(make_dataset_step(gan, config.train.batch_size,
                                     parallel.make_mesh()))
    program = step.lower(state, DeviceData(IMAGES, None)).as_text()
    return program.count('stablehlo.while')

  assert loops(3) == loops(1)   # (the batch sampler has loops of its own)


def test_simultaneous_generator_update_ignores_this_steps_d_update():
  """In simultaneous mode G's gradient uses D as it was before the step."""
  base = dict(train__ema_decay=0.0)
  _, alt, _ = _one_step(tiny_config('maxout_mlp', train__update_scheme=
                                    'alternating', **base))
  _, sim, _ = _one_step(tiny_config('maxout_mlp', train__update_scheme=
                                    'simultaneous', **base))
  jax.tree.map(np.testing.assert_array_equal, alt.d_params, sim.d_params)
  assert any(_changed(alt.g_params, sim.g_params))


def test_ema_ramps_up_from_the_first_step():
  """Step 0 uses decay min(0.999, 1/10): the EMA is 90% the new weights."""
  before, after, _ = _one_step(tiny_config('dcgan', train__ema_decay=0.999))
  expected = jax.tree.map(lambda new, old: 0.9 * new + 0.1 * old,
                          after.g_params, before.g_ema)
  jax.tree.map(lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-6,
                                                       atol=1e-7),
               after.g_ema, expected)


def test_ema_decay_reaches_its_configured_value():
  assert float(ema_decay(0.999, jax.numpy.asarray(100_000))) == \
      pytest.approx(0.999)
  assert float(ema_decay(0.0, jax.numpy.asarray(5))) == 0.0


def test_weight_clipping_bounds_every_discriminator_weight():
  config = tiny_config('dcgan', loss__name='wasserstein', loss__clip=0.01)
  _, after, _ = _one_step(config)
  assert max(float(np.abs(x).max())
             for x in jax.tree.leaves(after.d_params)) <= 0.01
