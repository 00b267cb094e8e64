"""DCGAN (Radford et al. 2015), adapted to small images such as 28x28.

The paper's rules: strided (transposed) convolutions instead of pooling, batch
norm in both nets except G's output and D's input layer, ReLU in G and
LeakyReLU(0.2) in D, tanh output, weights from N(0, 0.02). G projects z to a
(H/4)x(W/4) map and doubles it twice, so any size divisible by 4 works. G's
transposed convolutions are `SubpixelConvTranspose` (the same layer as
nn.ConvTranspose) and D's convolutions run through `conv_general_dilated`:
lax's results, with gradients in forms XLA:CPU computes far faster.

With `model.num_classes` > 0 it is a conditional GAN (Mirza & Osindero
2014) in the usual DCGAN form: G reads [z, one-hot(y)], D reads the image
with one-hot(y) appended as constant channels, so every D filter can
condition on the class from the first layer on.

With `model.info_codes` = (K, L) it is InfoGAN's MNIST network (Chen et al.
2016): G reads z with the codes appended, and D grows a Q head on its body
(Dense 128, batch norm, LeakyReLU, then K logits and L means) that
predicts the codes of a fake.

With `model.fc_width` = F > 0 both nets gain a fully connected layer of F
units, as in InfoGAN's MNIST networks (Chen et al. 2016, appendix): G
reads z through Dense F (batch norm, ReLU) before the projection, and D
scores its conv features through Dense F (batch norm, LeakyReLU), where
without it D's logit is linear in them. On MNIST it is worth far more than
any learning rate: width 32 at step 1,000 scores FID 90 without it and 7.6
with it (benchmarks/RESULTS.md, "The recipe search").
"""
import flax.linen as nn
import jax
import jax.numpy as jnp
import ml_collections

from gan_jax.errors import ConfigError
from gan_jax.models.convolution import conv_general_dilated
from gan_jax.models.layers import SubpixelConvTranspose, spectral_norm
from gan_jax.models.spec import GanModels, MODELS

_init = nn.initializers.normal(0.02)


def _bn_scale_init(key, shape, dtype=jnp.float32):
  return 1.0 + 0.02 * jax.random.normal(key, shape, dtype)


def _batch_norm(train: bool) -> nn.BatchNorm:
  # PyTorch's defaults, which DCGAN recipes are tuned for (running-average
  # momentum 0.1 there is 0.9 here).
  return nn.BatchNorm(use_running_average=not train, momentum=0.9,
                      epsilon=1e-5, scale_init=_bn_scale_init)


class Generator(nn.Module):
  image_shape: tuple[int, int, int]
  width: int = 64
  num_classes: int = 0
  fc_width: int = 0

  @nn.compact
  def __call__(self, z: jax.Array, labels: jax.Array | None = None, *,
               train: bool) -> jax.Array:
    h, w, c = self.image_shape
    if self.num_classes:
      z = jnp.concatenate([z, jax.nn.one_hot(labels, self.num_classes)], -1)
    if self.fc_width:
      z = nn.relu(_batch_norm(train)(
          nn.Dense(self.fc_width, use_bias=False, kernel_init=_init)(z)))
    x = nn.Dense(h // 4 * w // 4 * 4 * self.width, use_bias=False,
                 kernel_init=_init)(z)
    x = nn.relu(_batch_norm(train)(x))
    x = x.reshape(z.shape[0], h // 4, w // 4, 4 * self.width)
    x = SubpixelConvTranspose(2 * self.width, (4, 4), (2, 2),
                              use_bias=False, kernel_init=_init)(x)
    x = nn.relu(_batch_norm(train)(x))
    x = SubpixelConvTranspose(c, (4, 4), (2, 2), kernel_init=_init)(x)
    return jnp.tanh(x)


class Discriminator(nn.Module):
  width: int = 64
  num_classes: int = 0
  spectral_norm: bool = False
  q_outputs: int = 0   # > 0: also return InfoGAN's Q head, [B, q_outputs]
  fc_width: int = 0

  @nn.compact
  def __call__(self, x: jax.Array, labels: jax.Array | None = None, *,
               train: bool) -> jax.Array | tuple[jax.Array, jax.Array]:
    def sn(layer):
      return spectral_norm(layer, self.spectral_norm, train)

    if self.num_classes:
      planes = jax.nn.one_hot(labels, self.num_classes)[:, None, None, :]
      x = jnp.concatenate(
          [x, jnp.broadcast_to(planes, (*x.shape[:3], self.num_classes))], -1)
    x = sn(nn.Conv(self.width, (4, 4), (2, 2), padding='SAME',
                   kernel_init=_init,
                   conv_general_dilated=conv_general_dilated))(x)
    x = nn.leaky_relu(x, 0.2)
    x = sn(nn.Conv(2 * self.width, (4, 4), (2, 2), padding='SAME',
                   use_bias=False, kernel_init=_init,
                   conv_general_dilated=conv_general_dilated))(x)
    x = nn.leaky_relu(_batch_norm(train)(x), 0.2)
    body = x.reshape(x.shape[0], -1)
    if self.fc_width:
      body = nn.leaky_relu(_batch_norm(train)(sn(nn.Dense(
          self.fc_width, use_bias=False, kernel_init=_init))(body)), 0.2)
    logits = sn(nn.Dense(1, kernel_init=_init))(body)[:, 0]
    if not self.q_outputs:
      return logits
    q = nn.Dense(128, use_bias=False, kernel_init=_init)(body)
    q = nn.leaky_relu(_batch_norm(train)(q), 0.2)
    return logits, nn.Dense(self.q_outputs, kernel_init=_init)(q)


@MODELS.register('dcgan')
def build(config: ml_collections.ConfigDict,
          image_shape: tuple[int, int, int]) -> GanModels:
  if image_shape[0] % 4 or image_shape[1] % 4:
    raise ConfigError(f'dcgan needs image sides divisible by 4, got '
                      f'{image_shape[0]}x{image_shape[1]}')
  classes = config.get('num_classes', 0)
  codes = tuple(config.get('info_codes', (0, 0)))
  if classes and sum(codes):
    raise ConfigError('model.num_classes and model.info_codes do not combine; '
                      'set one of them to 0')
  fc_width = config.get('fc_width', 0)
  return GanModels(Generator(tuple(image_shape), config.width, classes,
                             fc_width),
                   Discriminator(config.width, classes, config.spectral_norm,
                                 sum(codes), fc_width),
                   (-1.0, 1.0), config.z_dim, config.z_dist,
                   num_classes=classes, info_codes=codes)
