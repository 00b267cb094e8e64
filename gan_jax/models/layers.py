"""Layers shared by architectures.

`SubpixelConvTranspose` computes exactly what `flax.linen.ConvTranspose`
(padding 'SAME') computes, with the same parameters, but as a
set of ordinary convolutions whose outputs are interleaved. XLA:CPU
differentiates transposed convolutions slowly: for DCGAN's generator at batch
128 the forward and backward pass is several times faster this way
(benchmarks/conv_transpose.py measures it), and it was most of a DCGAN step.

Why it is exact: a stride-s transposed convolution is a convolution over the
input dilated by s. Output pixel s*m + p (phase p) only meets the kernel taps
t with t = pad - p (mod s), reading input pixel m + (p + t - pad) / s. So each
phase is a small ordinary convolution of the undilated input with a slice of
the kernel; we run the s*s of them (no multiplications by inserted zeros, so
the same FLOPs as the transposed convolution) and interleave the results.

`spectral_norm` optionally wraps a layer in spectral normalisation.
"""
from collections.abc import Callable, Sequence
import functools

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np


def _same_pad_before(k: int, s: int) -> int:
  """Leading padding of the dilated input in lax.conv_transpose(.., 'SAME')."""
  return k - 1 if s > k - 1 else int(np.ceil((k + s - 2) / 2))


def _phase_taps(k: int, s: int) -> list[list[tuple[int, int]]]:
  """Per output phase p, its (kernel tap, input offset) pairs, in order."""
  pad = _same_pad_before(k, s)
  return [[(t, (p + t - pad) // s) for t in range(k) if (t - pad + p) % s == 0]
          for p in range(s)]


def conv_transpose_same(x: jax.Array, kernel: jax.Array,
                        strides: Sequence[int]) -> jax.Array:
  """lax.conv_transpose(x, kernel, strides, 'SAME') for NHWC/HWIO, as convs."""
  (kh, kw, _, cout), (sh, sw) = kernel.shape, strides
  rows, cols = _phase_taps(kh, sh), _phase_taps(kw, sw)
  b, h, w, _ = x.shape
  phases = []
  for row_taps in rows:
    for col_taps in cols:
      if not row_taps or not col_taps:   # kernel smaller than the stride
        phases.append(jnp.zeros((b, h, w, cout), x.dtype))
        continue
      (ty, oy), (tx, ox) = zip(*row_taps), zip(*col_taps)
      ty, oy, tx, ox = map(list, (ty, oy, tx, ox))
      phase_kernel = kernel[np.array(ty)][:, np.array(tx)].astype(x.dtype)
      phases.append(jax.lax.conv_general_dilated(
          x, phase_kernel, (1, 1),
          ((-oy[0], oy[-1]), (-ox[0], ox[-1])),
          dimension_numbers=('NHWC', 'HWIO', 'NHWC')))
  y = jnp.stack(phases, axis=3).reshape(b, h, w, sh, sw, cout)
  return y.transpose(0, 1, 3, 2, 4, 5).reshape(b, h * sh, w * sw, cout)


class SubpixelConvTranspose(nn.Module):
  """Drop-in for nn.ConvTranspose(padding='SAME'): same params, same output."""
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
    y = conv_transpose_same(x, kernel, self.strides)
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
