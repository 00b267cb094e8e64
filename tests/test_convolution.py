"""The convolutions with CPU-fast gradients must compute lax's, exactly.

Outputs, input gradients and kernel gradients are compared with autodiff of
lax's convolution on odd and even sizes, kernels larger and smaller than the
stride, and both sides of the few-features switch (`_FEW_FEATURES`): few
and many input features for the convolution, few and many output features
for the transposed one.
"""
import flax.linen as nn
import jax
import numpy as np
import pytest

from gan_jax.models import convolution

_DIMS = ('NHWC', 'HWIO', 'NHWC')
# (kernel, stride, size, output features); above 4 features the transposed
# convolution's forward pass and kernel gradient take the sub-pixel form,
# else lax's forward pass and the gathered kernel gradient.
_CASES = [(4, 2, 7, 5), (4, 2, 14, 12), (3, 2, 5, 1), (5, 2, 6, 3),
          (3, 1, 5, 9), (2, 4, 3, 8), (5, 3, 4, 16)]


def _lax_conv(x, k, s):
  return jax.lax.conv_general_dilated(x, k, s, 'SAME', dimension_numbers=_DIMS)


def _lax_conv_transpose(x, k, s):
  return jax.lax.conv_transpose(x, k, s, 'SAME', dimension_numbers=_DIMS)


def _assert_same_function(ours, reference, x, kernel, strides):
  np.testing.assert_allclose(jax.jit(ours, static_argnums=2)(x, kernel,
                                                            strides),
                             reference(x, kernel, strides), atol=2e-5)
  loss = lambda f: lambda x, k: (f(x, k, strides) ** 2).sum()
  ours_grads = jax.jit(jax.grad(loss(ours), argnums=(0, 1)))(x, kernel)
  reference_grads = jax.grad(loss(reference), argnums=(0, 1))(x, kernel)
  for a, b in zip(ours_grads, reference_grads):
    np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)


def _inputs(size, cin, kernel, cout):
  kx, kk = jax.random.split(jax.random.key(0))
  return (jax.random.normal(kx, (2, size, size + 1, cin)),
          jax.random.normal(kk, (kernel, kernel, cin, cout)) * 0.3)


@pytest.mark.parametrize('cin', [3, 12])
@pytest.mark.parametrize('kernel,stride,size,cout', _CASES)
def test_conv_same_is_lax_conv(kernel, stride, size, cout, cin):
  x, k = _inputs(size, cin, kernel, cout)
  _assert_same_function(convolution.conv_same, _lax_conv, x, k,
                        (stride, stride))
  np.testing.assert_allclose(
      convolution.conv_same_space_to_depth(x, k, (stride, stride)),
      _lax_conv(x, k, (stride, stride)), atol=2e-5)


@pytest.mark.parametrize('kernel,stride,size,cout', _CASES)
def test_conv_transpose_same_is_lax_conv_transpose(kernel, stride, size, cout):
  x, k = _inputs(size, 3, kernel, cout)
  _assert_same_function(convolution.conv_transpose_same, _lax_conv_transpose,
                        x, k, (stride, stride))
  np.testing.assert_allclose(
      convolution.conv_transpose_subpixel(x, k, (stride, stride)),
      _lax_conv_transpose(x, k, (stride, stride)), atol=2e-5)


def test_flax_conv_takes_conv_same_and_keeps_other_convolutions_lax():
  x = jax.random.normal(jax.random.key(1), (2, 9, 8, 3))
  for kwargs in ({'padding': 'SAME'}, {'padding': 'VALID'},
                 {'padding': 'SAME', 'kernel_dilation': 2},
                 {'padding': 'SAME', 'feature_group_count': 3}):
    reference = nn.Conv(6, (3, 3), (2, 2), **kwargs)
    ours = nn.Conv(6, (3, 3), (2, 2), **kwargs,
                   conv_general_dilated=convolution.conv_general_dilated)
    params = reference.init(jax.random.key(0), x)
    np.testing.assert_allclose(ours.apply(params, x),
                               reference.apply(params, x), atol=2e-5)
    grad = lambda m: jax.grad(lambda p: (m.apply(p, x) ** 2).sum())(params)
    jax.tree.map(lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-4,
                                                         atol=1e-4),
                 grad(ours), grad(reference))
