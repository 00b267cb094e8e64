"""BEGAN's networks (Berthelot et al. 2017): G is a decoder, D an autoencoder.

D does not classify; it reconstructs, and what it hands the trainer in place
of logits is each sample's reconstruction error L(v) = mean |v - D(v)| (the
paper's L1 loss). The `began` objective (gan_jax/losses.py) then trains D to
reconstruct data well and fakes badly, balanced by k_t.

The paper's blocks: 3x3 convolutions with ELU, two per scale, nearest
upsampling in the decoders and strided convolutions in the encoder, no batch
norm, a linear bottleneck of `model.embedding` units and no output
nonlinearity. G and D's decoder share the architecture, not the weights.
Here the first map is (H/4)x(W/4), so 28x28 MNIST has two upsamplings.
"""
import flax.linen as nn
import jax
import jax.numpy as jnp
import ml_collections

from gan_jax.errors import ConfigError
from gan_jax.models.spec import GanModels, MODELS


def _conv(features: int, strides: int = 1) -> nn.Conv:
  return nn.Conv(features, (3, 3), (strides, strides), padding='SAME')


def _upsample(x: jax.Array) -> jax.Array:
  return jnp.repeat(jnp.repeat(x, 2, axis=1), 2, axis=2)


class Decoder(nn.Module):
  """h -> image: Dense to n maps of (H/4)x(W/4), then conv pairs and 2x up."""
  image_shape: tuple[int, int, int]
  width: int

  @nn.compact
  def __call__(self, h: jax.Array, *, train: bool) -> jax.Array:
    del train  # no batch norm, no dropout: same in both modes
    height, width, channels = self.image_shape
    x = nn.Dense(height // 4 * width // 4 * self.width)(h)
    x = x.reshape(h.shape[0], height // 4, width // 4, self.width)
    for scale in range(3):
      x = nn.elu(_conv(self.width)(x))
      x = nn.elu(_conv(self.width)(x))
      if scale < 2:
        x = _upsample(x)
    return _conv(channels)(x)


class Autoencoder(nn.Module):
  """D: image -> its per-sample L1 reconstruction error, shape [B]."""
  image_shape: tuple[int, int, int]
  width: int
  embedding: int

  @nn.compact
  def __call__(self, x: jax.Array, *, train: bool) -> jax.Array:
    h = nn.elu(_conv(self.width)(x))
    for scale in (1, 2, 3):
      h = nn.elu(_conv(scale * self.width)(h))
      # Downsample twice; the last scale only refines, mirroring the decoder.
      h = nn.elu(_conv(scale * self.width, 2 if scale < 3 else 1)(h))
    code = nn.Dense(self.embedding)(h.reshape(h.shape[0], -1))
    reconstruction = Decoder(self.image_shape, self.width)(code, train=train)
    return jnp.mean(jnp.abs(x - reconstruction), axis=(1, 2, 3))


@MODELS.register('began')
def build(config: ml_collections.ConfigDict,
          image_shape: tuple[int, int, int]) -> GanModels:
  if image_shape[0] % 4 or image_shape[1] % 4:
    raise ConfigError(f'began needs image sides divisible by 4, got '
                      f'{image_shape[0]}x{image_shape[1]}')
  shape = tuple(image_shape)
  return GanModels(Decoder(shape, config.width),
                   Autoencoder(shape, config.width, config.embedding),
                   (-1.0, 1.0), config.z_dim, config.z_dist)
