"""GMMN (Li et al. 2015): a generator trained without a discriminator.

G is the 2014-style ReLU MLP with sigmoid pixels (`maxout_mlp.Generator`);
the paper's MNIST net maps 10-d uniform noise through 64-256-256-1024 ReLU
units to 784 sigmoid pixels. The loss 'mmd' compares G's samples with the
data by a kernel MMD on D's outputs, so D here is the identity: it has no
parameters, flattens each image to a vector, and leaves the update rule
unchanged (D's optimiser sees an empty tree and its loss is 0).
"""
import flax.linen as nn
import jax
import ml_collections

from gan_jax.models.maxout_mlp import Generator
from gan_jax.models.spec import DENSE_MODELS, GanModels, MODELS


class IdentityDiscriminator(nn.Module):
  """Pixels as features: the MMD is taken in data space, as in the paper."""

  @nn.compact
  def __call__(self, x: jax.Array, *, train: bool) -> jax.Array:
    del train
    return x.reshape(x.shape[0], -1)


@MODELS.register('gmmn')
def build(config: ml_collections.ConfigDict,
          image_shape: tuple[int, int, int]) -> GanModels:
  return GanModels(
      Generator(tuple(image_shape), tuple(config.g_hidden), config.g_irange),
      IdentityDiscriminator(), (0.0, 1.0), config.z_dim, config.z_dist)


DENSE_MODELS.add('gmmn')
