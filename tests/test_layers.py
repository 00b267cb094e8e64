"""SubpixelConvTranspose must be nn.ConvTranspose(padding='SAME'), exactly."""
import flax.linen as nn
import jax
import numpy as np
import pytest

from gan_jax.models.layers import SubpixelConvTranspose


@pytest.mark.parametrize('kernel,stride,size', [
    (4, 2, 7), (4, 2, 14), (3, 2, 5), (5, 2, 6), (3, 1, 5), (2, 4, 3), (5, 3, 4)
])
def test_matches_flax_conv_transpose_values_and_gradients(kernel, stride, size):
  x = jax.random.normal(jax.random.PRNGKey(1), (3, size, size + 1, 5))
  reference = nn.ConvTranspose(7, (kernel, kernel), (stride, stride),
                               padding='SAME')
  ours = SubpixelConvTranspose(7, (kernel, kernel), (stride, stride))
  params = reference.init(jax.random.PRNGKey(0), x)
  assert jax.tree.map(np.shape, ours.init(jax.random.PRNGKey(0), x)) == \
      jax.tree.map(np.shape, params)

  np.testing.assert_allclose(jax.jit(ours.apply)(params, x),
                             jax.jit(reference.apply)(params, x), atol=2e-5)
  loss = lambda m: lambda p, x: (m.apply(p, x) ** 2).sum()
  grads_ref = jax.jit(jax.grad(loss(reference), argnums=(0, 1)))(params, x)
  grads_ours = jax.jit(jax.grad(loss(ours), argnums=(0, 1)))(params, x)
  jax.tree.map(lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-4,
                                                       atol=1e-3),
               grads_ours, grads_ref)
