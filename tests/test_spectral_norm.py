"""Spectral normalisation: D's kernels, as applied, have spectral norm ~1."""
import functools

import jax
import numpy as np
import pytest

from gan_jax import parallel
from gan_jax.data.sampler import DeviceData
from gan_jax.train import build_gan, compile_train_step
from gan_jax.train_step import state_factory
from tiny import tiny_config

IMAGES = np.random.RandomState(0).randint(0, 256, (64, 28, 28, 1), np.uint8)
STEPS = 20  # one power iteration per D call converges to ~1% by then


def _train(config, steps):
  gan = build_gan(config, IMAGES.shape[1:], len(IMAGES))
  mesh = parallel.make_mesh()
  # The initial state on the sharding the step returns, as the loop makes
  # it: otherwise the second step misses the jit cache and compiles again.
  state = jax.jit(functools.partial(state_factory(gan, IMAGES.shape[1:]), 0),
                  out_shardings=parallel.state_sharding(mesh, 1))()
  data = DeviceData(jax.device_put(IMAGES, parallel.replicated(mesh)))
  step = compile_train_step(gan, config.train.batch_size, mesh, state, data)
  for _ in range(steps):
    state, _ = step(state, data)
  return gan, state


def _normalised_kernels(params, stats):
  """(kernel, stored sigma) per wrapped layer, found from the stats' names.

  flax keeps the wrapped layer's parameters where they would be unwrapped
  (e.g. Maxout_0/Dense_0/kernel) and its sigma in batch_stats under
  .../SpectralNorm_i/'Dense_0/kernel/sigma'.
  """
  found = []
  for path, sigma in jax.tree_util.tree_leaves_with_path(stats):
    keys = [p.key for p in path]
    if keys[-1].endswith('/kernel/sigma'):
      node = params
      for key in keys[:-2] + [keys[-1].split('/')[0]]:
        node = node[key]
      found.append((np.asarray(node['kernel']), float(sigma)))
  return found


# dcgan: convolution kernels are the case that needs reshaping; maxout_mlp's
# normalised D takes its train steps in test_train_step.
@pytest.mark.parametrize('model', ['dcgan'])
def test_normalised_kernels_have_unit_spectral_norm(model):
  config = tiny_config(model, model__spectral_norm=True)
  gan, state = _train(config, STEPS)
  kernels = _normalised_kernels(state.d_params, state.d_stats)
  assert len(kernels) == 3  # every Conv/Dense of D: two hidden, one output
  for kernel, sigma in kernels:
    top = np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]).astype(np.float64),
                        compute_uv=False)[0]
    np.testing.assert_allclose(top / sigma, 1.0, rtol=0.02)

  # As applied: D is the plain D whose kernels are divided by the sigma that
  # the call computed and stored (training mode, same dropout masks).
  plain = build_gan(tiny_config(model), IMAGES.shape[1:], len(IMAGES))
  x = IMAGES[:8].astype(np.float32) / 255.0
  rngs = {'dropout': jax.random.PRNGKey(1)}
  # Jitted: run eagerly, each of D's operations compiles on its own.
  apply = lambda d: jax.jit(functools.partial(
      d.apply, train=True, rngs=rngs, mutable=['batch_stats']))
  got, updated = apply(gan.models.discriminator)(
      {'params': state.d_params, 'batch_stats': state.d_stats}, x)
  divided = state.d_params
  for path, sigma in jax.tree_util.tree_leaves_with_path(
      updated['batch_stats']):
    keys = [p.key for p in path]
    if keys[-1].endswith('/kernel/sigma'):
      divided = _divide(divided, keys[:-2] + [keys[-1].split('/')[0]], sigma)
  plain_stats = {k: v for k, v in state.d_stats.items()
                 if not k.startswith(('SpectralNorm', 'Maxout'))}
  expected, _ = apply(plain.models.discriminator)(
      {'params': divided, 'batch_stats': plain_stats}, x)
  np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-6)


def _divide(params, keys, sigma):
  """A copy of params with the kernel at keys divided by sigma."""
  params = dict(params)
  if len(keys) == 1:
    layer = dict(params[keys[0]])
    layer['kernel'] = layer['kernel'] / sigma
    params[keys[0]] = layer
  else:
    params[keys[0]] = _divide(params[keys[0]], keys[1:], sigma)
  return params


@pytest.mark.parametrize('model', ['dcgan', 'maxout_mlp'])
def test_spectral_norm_only_adds_power_iteration_state(model):
  """The same parameters by name and shape; off, D has no extra state."""
  shape = (2, *IMAGES.shape[1:])
  variables = {}
  for flag in (False, True):
    d = build_gan(tiny_config(model, model__spectral_norm=flag),
                  IMAGES.shape[1:], len(IMAGES)).models.discriminator
    variables[flag] = jax.eval_shape(functools.partial(d.init, train=False),
                                     jax.random.PRNGKey(0), np.zeros(shape))
  assert (jax.tree.map(lambda x: x.shape, variables[False]['params']) ==
          jax.tree.map(lambda x: x.shape, variables[True]['params']))
  assert 'SpectralNorm' not in jax.tree_util.keystr(dict(variables[False]))
  assert 'SpectralNorm' in jax.tree_util.keystr(variables[True]['batch_stats'])
