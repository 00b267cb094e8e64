"""CycleGAN's networks (Zhu et al. 2017), sized for 28x28 two-domain data.

The data holds domain A and domain B side by side in channels ([..., :C] and
[..., C:], see gan_jax/data/domains.py). One flax module holds both
translators and one holds both discriminators, so TrainState's g_params /
d_params, optimisers, EMA and checkpoints stay as they are for every GAN:
  generator(x)     -> [G_BA(b), G_AB(a)]: each half in the *other* domain's
                      look, in A|B channel order, so generator(generator(x))
                      is the cycle reconstruction of x itself;
  discriminator(x) -> [D_A(x[..., :C]), D_B(x[..., C:])] patch logits, [B, 2P].

Translators are the paper's ResNet generator (conv, residual blocks, conv,
tanh; instance norm, ReLU) without its down/up-sampling: restyling a digit
is local, and a receptive field of a few strokes keeps the digit's identity.
Discriminators are its 70x70 PatchGAN shrunk to 28x28: LeakyReLU(0.2),
instance norm, one logit per 7x7 patch.
"""
import flax.linen as nn
import jax
import jax.numpy as jnp
import ml_collections

from gan_jax.errors import ConfigError
from gan_jax.models.spec import GanModels, MODELS, TRANSLATION_MODELS

_init = nn.initializers.normal(0.02)


def _norm() -> nn.InstanceNorm:
  return nn.InstanceNorm(epsilon=1e-5)


class Translator(nn.Module):
  """One domain to the other: [B, H, W, C] -> [B, H, W, C] in (-1, 1)."""
  width: int = 32
  blocks: int = 3

  @nn.compact
  def __call__(self, x: jax.Array) -> jax.Array:
    channels = x.shape[-1]
    h = nn.relu(_norm()(nn.Conv(self.width, (5, 5), kernel_init=_init)(x)))
    for _ in range(self.blocks):
      r = nn.relu(_norm()(nn.Conv(self.width, (3, 3), kernel_init=_init)(h)))
      h = h + _norm()(nn.Conv(self.width, (3, 3), kernel_init=_init)(r))
    return jnp.tanh(nn.Conv(channels, (5, 5), kernel_init=_init)(h))


class PatchCritic(nn.Module):
  """[B, H, W, C] -> one logit per patch, [B, H/4 * W/4]."""
  width: int = 32

  @nn.compact
  def __call__(self, x: jax.Array) -> jax.Array:
    x = nn.leaky_relu(nn.Conv(self.width, (4, 4), (2, 2),
                              kernel_init=_init)(x), 0.2)
    x = nn.Conv(2 * self.width, (4, 4), (2, 2), kernel_init=_init)(x)
    x = nn.leaky_relu(_norm()(x), 0.2)
    x = nn.Conv(1, (3, 3), kernel_init=_init)(x)
    return x.reshape(x.shape[0], -1)


def _domains(x: jax.Array) -> tuple[jax.Array, jax.Array]:
  c = x.shape[-1] // 2
  return x[..., :c], x[..., c:]


class Translators(nn.Module):
  """G_AB and G_BA (parameters 'ab', 'ba'); see the module docstring."""
  width: int = 32
  blocks: int = 3

  @nn.compact
  def __call__(self, x: jax.Array, *, train: bool) -> jax.Array:
    del train  # instance norm: the same computation in both modes
    a, b = _domains(x)
    g_ab = Translator(self.width, self.blocks, name='ab')
    g_ba = Translator(self.width, self.blocks, name='ba')
    return jnp.concatenate([g_ba(b), g_ab(a)], axis=-1)


class Critics(nn.Module):
  """D_A and D_B (parameters 'a', 'b'); see the module docstring."""
  width: int = 32

  @nn.compact
  def __call__(self, x: jax.Array, *, train: bool) -> jax.Array:
    del train
    a, b = _domains(x)
    return jnp.concatenate([PatchCritic(self.width, name='a')(a),
                            PatchCritic(self.width, name='b')(b)], axis=-1)


@MODELS.register('cyclegan')
def build(config: ml_collections.ConfigDict,
          image_shape: tuple[int, int, int]) -> GanModels:
  h, w, c = image_shape
  if c % 2 or h % 4 or w % 4:
    raise ConfigError(
        f'cyclegan needs two domains side by side in channels and sides '
        f'divisible by 4, got {h}x{w}x{c}; use data.name=mnist_unpaired')
  return GanModels(Translators(config.width, config.get('blocks', 3)),
                   Critics(config.width), (-1.0, 1.0), 0, config.z_dist,
                   translation=True)


TRANSLATION_MODELS.add('cyclegan')
