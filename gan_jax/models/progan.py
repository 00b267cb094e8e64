"""Progressive GAN (Karras et al. 2018), small enough for 32x32 MNIST.

G: pixel-normalised z -> 4x4 block -> (nearest 2x upsample, two 3x3 convs)
per resolution, each with pixel norm and LeakyReLU(0.2), and a 1x1 toRGB
(linear) at every resolution; the outputs are faded together by the level
(`growth.blend`), so G always emits full-size images. D mirrors it: a 1x1
fromRGB on the input average-pooled to each resolution, blocks of two 3x3
convs then 2x average pooling, faded the same way, then minibatch standard
deviation and a 4x4 head. Every layer uses the equalised learning rate
(N(0, 1) weights scaled by He's constant at run time), which is what lets
Adam treat freshly faded-in and long-trained layers alike. No batch norm.

Both networks take `level` (None: the final level) as a keyword; the train
step computes it from the step (`growth.Growth`).
"""
import math

import flax.linen as nn
import jax
import jax.numpy as jnp
import ml_collections

from gan_jax.errors import ConfigError
from gan_jax.models import growth
from gan_jax.models.spec import GanModels, MODELS

_SQRT2 = math.sqrt(2.0)


def _unit_normal(key: jax.Array, shape, dtype=jnp.float32) -> jax.Array:
  """N(0, 1) weights drawn by XLA's RngBitGenerator ('rbg'), seeded from
  flax's threefry key: each threefry draw cost ~4.6 s of XLA:CPU compile
  here (5 tensors: 23 s, against 4.9 s this way), and these networks have
  25 weight tensors. Deterministic per backend, which is all an init needs."""
  data = key if key.dtype == jnp.uint32 else jax.random.key_data(key)
  rbg = jax.random.wrap_key_data(jnp.tile(data.reshape(-1)[:2], 2),
                                 impl='rbg')
  return jax.random.normal(rbg, shape, dtype)


class EqConv(nn.Module):
  """A 'SAME' convolution with the equalised learning rate."""
  features: int
  kernel_size: int = 3
  gain: float = _SQRT2

  @nn.compact
  def __call__(self, x: jax.Array) -> jax.Array:
    k = self.kernel_size
    kernel = self.param('kernel', _unit_normal,
                        (k, k, x.shape[-1], self.features))
    bias = self.param('bias', nn.initializers.zeros, (self.features,))
    scale = self.gain / math.sqrt(k * k * x.shape[-1])
    y = jax.lax.conv_general_dilated(x, kernel * scale, (1, 1), 'SAME',
                                     dimension_numbers=('NHWC', 'HWIO', 'NHWC'))
    return y + bias


class EqDense(nn.Module):
  """A dense layer with the equalised learning rate."""
  features: int
  gain: float = _SQRT2

  @nn.compact
  def __call__(self, x: jax.Array) -> jax.Array:
    kernel = self.param('kernel', _unit_normal,
                        (x.shape[-1], self.features))
    bias = self.param('bias', nn.initializers.zeros, (self.features,))
    return x @ (kernel * (self.gain / math.sqrt(x.shape[-1]))) + bias


def pixel_norm(x: jax.Array) -> jax.Array:
  return x * jax.lax.rsqrt(jnp.mean(jnp.square(x), -1, keepdims=True) + 1e-8)


def _act(x: jax.Array) -> jax.Array:
  return nn.leaky_relu(x, 0.2)


def minibatch_stddev(x: jax.Array, group: int = 4) -> jax.Array:
  """Appends one channel: the mean feature std over a group of samples, so D
  can see a batch with too little variety (Karras et al. 2018, 3)."""
  b, h, w, _ = x.shape
  g = min(group, b)
  while b % g:
    g -= 1
  y = x.reshape(g, b // g, *x.shape[1:])
  y = jnp.sqrt(jnp.var(y, axis=0) + 1e-8).mean(axis=(1, 2, 3))  # [b / g]
  y = jnp.broadcast_to(jnp.tile(y, g)[:, None, None, None], (b, h, w, 1))
  return jnp.concatenate([x, y], -1)


class Generator(nn.Module):
  channels: tuple[int, ...]   # per resolution, 4x4 first
  out_channels: int = 1

  @nn.compact
  def __call__(self, z: jax.Array, *, level: jax.Array | None = None,
               train: bool) -> jax.Array:
    del train  # no batch norm, no dropout
    stages = len(self.channels)
    level = stages - 1.0 if level is None else level
    ch = self.channels
    x = EqDense(16 * ch[0], gain=_SQRT2 / 4, name='block_0_dense')(
        pixel_norm(z))
    x = pixel_norm(_act(x.reshape(z.shape[0], 4, 4, ch[0])))
    x = pixel_norm(_act(EqConv(ch[0], name='block_0_conv')(x)))
    outs = [EqConv(self.out_channels, 1, gain=1.0, name='to_rgb_0')(x)]
    for r in range(1, stages):
      x = growth.upsample(x)
      x = pixel_norm(_act(EqConv(ch[r], name=f'block_{r}_conv0')(x)))
      x = pixel_norm(_act(EqConv(ch[r], name=f'block_{r}_conv1')(x)))
      outs.append(EqConv(self.out_channels, 1, gain=1.0,
                         name=f'to_rgb_{r}')(x))
    return growth.blend(outs, level)


class Discriminator(nn.Module):
  channels: tuple[int, ...]   # per resolution, 4x4 first

  @nn.compact
  def __call__(self, x: jax.Array, *, level: jax.Array | None = None,
               train: bool) -> jax.Array:
    del train
    stages = len(self.channels)
    level = stages - 1.0 if level is None else level
    ch, weights = self.channels, growth.fade_weights(level, stages)
    inputs = growth.real_pyramid(x, stages)
    top = stages - 1
    h = _act(EqConv(ch[top], 1, name=f'from_rgb_{top}')(inputs[top]))
    for r in range(top, 0, -1):
      y = _act(EqConv(ch[r], name=f'block_{r}_conv0')(h))
      y = growth.downsample(_act(EqConv(ch[r - 1], name=f'block_{r}_conv1')(y)))
      skip = _act(EqConv(ch[r - 1], 1, name=f'from_rgb_{r - 1}')(
          inputs[r - 1]))
      h = weights[r] * y + (1.0 - weights[r]) * skip
    h = _act(EqConv(ch[0], name='final_conv')(minibatch_stddev(h)))
    h = _act(EqDense(ch[0], name='final_dense')(h.reshape(h.shape[0], -1)))
    return EqDense(1, gain=1.0, name='final_out')(h)[:, 0]


def channels_for(width: int, stages: int) -> tuple[int, ...]:
  """width at full resolution, doubling per halving up to 8 * width."""
  return tuple(width * min(2 ** (stages - 1 - r), 8) for r in range(stages))


@MODELS.register('progan')
def build(config: ml_collections.ConfigDict,
          image_shape: tuple[int, int, int]) -> GanModels:
  h, w, c = image_shape
  if h != w or h < 4 or h & (h - 1):
    raise ConfigError(f'progan needs square images with a power-of-two side '
                      f'>= 4, got {h}x{w}; for MNIST set data.pad_to=32')
  # PacGAN's wrapper would not pass the level on to D.
  if config.get('pack', 1) != 1:
    raise ConfigError(f'progan does not support model.pack={config.pack}; '
                      'set model.pack=1')
  if sum(config.get('info_codes', (0, 0))):
    raise ConfigError('progan has no InfoGAN form; set model.info_codes=0,0')
  if config.stage_steps < 1:
    raise ConfigError(f'model.stage_steps={config.stage_steps} must be >= 1')
  if not 0.0 <= config.fade_fraction <= 1.0:
    raise ConfigError(f'model.fade_fraction={config.fade_fraction} must be '
                      'in [0, 1]')
  stages = int(math.log2(h)) - 1
  channels = channels_for(config.width, stages)
  return GanModels(
      Generator(channels, c), Discriminator(channels), (-1.0, 1.0),
      config.z_dim, config.z_dist,
      growth=growth.Growth(stages, config.stage_steps, config.fade_fraction))
