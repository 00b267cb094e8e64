"""PacGAN packing and the vector-data path: shapes, identities, one update."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gan_jax import config_checks
from gan_jax.errors import ConfigError
from gan_jax.models import build_models
from gan_jax.models.packing import Packed, pack
from test_train_step import _one_step
from tiny import tiny_config


def test_pack_concatenates_consecutive_samples_along_the_last_axis():
  x = jnp.arange(4 * 3 * 2 * 5).reshape(4, 3, 2, 5)   # [B, H, W, C]
  packed = pack(x, 2)
  assert packed.shape == (2, 3, 2, 10)
  for i in range(2):   # pack i = samples 2i and 2i+1, channels side by side
    np.testing.assert_array_equal(
        packed[i], np.concatenate([x[2 * i], x[2 * i + 1]], axis=-1))
  vectors = jnp.arange(12).reshape(6, 2)
  np.testing.assert_array_equal(pack(vectors, 3),
                                [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]])


@pytest.mark.parametrize('model,shape', [('dcgan', (28, 28, 1)),
                                         ('mlp', (2,))])
def test_pack_of_one_is_the_bare_discriminator(model, shape):
  bare = build_models(tiny_config(model).model, shape).discriminator
  x = jax.random.normal(jax.random.key(0), (4, *shape))
  variables = bare.init(jax.random.key(1), x, train=False)
  wrapped = Packed(bare, 1)
  np.testing.assert_array_equal(
      wrapped.apply({k: {'inner': v} for k, v in variables.items()}, x,
                    train=False),
      bare.apply(variables, x, train=False))
  assert build_models(tiny_config(model).model, shape).discriminator is not \
      wrapped  # m = 1 builds no wrapper at all
  assert not isinstance(
      build_models(tiny_config(model).model, shape).discriminator, Packed)


FIRST_LAYER = {'dcgan': ('Conv_0',), 'mlp': ('Maxout_0', 'Dense_0')}


@pytest.mark.parametrize('model,shape', [('dcgan', (28, 28, 1)),
                                         ('mlp', (2,))])
def test_packed_discriminator_sees_m_times_the_channels(model, shape):
  def first_kernel(params):
    for name in FIRST_LAYER[model]:
      params = params[name]
    return params['kernel']

  models = build_models(tiny_config(model, model__pack=2).model, shape)
  x = jnp.zeros((16, *shape))
  variables = models.discriminator.init(jax.random.key(0), x, train=False)
  bare = build_models(tiny_config(model).model, shape).discriminator.init(
      jax.random.key(0), x, train=False)
  # Input channels (features) of D's first layer: doubled by packing.
  assert first_kernel(variables['params']['inner']).shape[-2] == \
      2 * first_kernel(bare['params']).shape[-2]
  assert models.discriminator.apply(variables, x, train=False).shape == (8,)


@pytest.mark.parametrize('model', ['dcgan', 'mlp'])
def test_one_packed_train_step(model):
  before, after, metrics = _one_step(tiny_config(model, model__pack=4))
  assert int(after.step) == 1
  assert all(np.all(np.isfinite(x)) for x in jax.tree.leaves(metrics))
  assert not np.array_equal(jax.tree.leaves(before.d_params)[0],
                            jax.tree.leaves(after.d_params)[0])


def test_batch_must_be_divisible_by_the_pack():
  with pytest.raises(ConfigError, match='divisible by config.model.pack=3'):
    config_checks.check_config(tiny_config('mlp', model__pack=3))


def test_models_refuse_the_wrong_kind_of_data():
  with pytest.raises(ConfigError, match="'mlp' is for vector data"):
    build_models(tiny_config('mlp').model, (28, 28, 1))
  with pytest.raises(ConfigError, match="'dcgan' is for image data"):
    build_models(tiny_config('dcgan').model, (2,))
