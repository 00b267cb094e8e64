"""Layers shared by architectures.

`SubpixelConvTranspose` is `flax.linen.ConvTranspose(padding='SAME')`: the
same parameters and outputs, with gradients XLA:CPU computes several times
faster (gan_jax.models.convolution says how). `spectral_norm` optionally
wraps a layer in spectral normalisation.
"""
from collections.abc import Callable, Sequence
import functools

import flax.linen as nn
import jax

from gan_jax.models import convolution


class SubpixelConvTranspose(nn.Module):
  """Drop-in for nn.ConvTranspose(padding='SAME'): same params, same output.

  Named for the sub-pixel form of its kernel gradient; the name stays so
  that checkpoints keep their parameter paths.
  """
  features: int
  kernel_size: Sequence[int]
  strides: Sequence[int]
  use_bias: bool = True
  kernel_init: Callable = nn.initializers.lecun_normal()
  bias_init: Callable = nn.initializers.zeros_init()

  @nn.compact
  def __call__(self, x: jax.Array) -> jax.Array:
    kernel = self.param('kernel', self.kernel_init,
                        (*self.kernel_size, x.shape[-1], self.features))
    y = convolution.conv_transpose_same(x, kernel, tuple(self.strides))
    if self.use_bias:
      y = y + self.param('bias', self.bias_init, (self.features,))
    return y


def spectral_norm(layer: nn.Module, enabled: bool,
                  train: bool) -> Callable[[jax.Array], jax.Array]:
  """`layer`, or `layer` with its kernel divided by its largest singular value.

  Miyato et al. 2018: bounding every layer's spectral norm by 1 makes D
  1-Lipschitz (for 1-Lipschitz activations) at the cost of one power
  iteration per call. The iteration's vector is kept in 'batch_stats' and
  advanced only in training; convolution kernels are reshaped to
  [kh * kw * in, out] matrices first.
  """
  if not enabled:
    return layer
  return functools.partial(nn.SpectralNorm(layer), update_stats=train)
