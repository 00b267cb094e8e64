"""The stateless shuffle must be a permutation, and a well-mixed one."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gan_jax.data.shuffle import permuted_index


@pytest.mark.parametrize('n', [1, 2, 3, 7, 64, 100, 1001, 50_000])
def test_is_a_permutation_of_range(n):
  index = np.asarray(permuted_index(jax.random.key(3), jnp.arange(n), n))
  np.testing.assert_array_equal(np.sort(index), np.arange(n))


def test_slices_agree_with_the_whole():
  key, n = jax.random.key(0), 1000
  whole = permuted_index(key, jnp.arange(n), n)
  part = permuted_index(key, jnp.arange(300, 400), n)
  np.testing.assert_array_equal(part, whole[300:400])


def test_keys_give_different_orders():
  n = 1000
  a = permuted_index(jax.random.key(0), jnp.arange(n), n)
  b = permuted_index(jax.random.key(1), jnp.arange(n), n)
  assert np.mean(np.asarray(a) == np.asarray(b)) < 0.01


def test_first_position_is_uniform_over_keys():
  """Chi-square over 2,000 keys: where position 0 lands, in 10 bins."""
  n, trials = 100, 2000
  first = jax.vmap(lambda k: permuted_index(k, jnp.zeros(1, jnp.int32), n)[0])(
      jax.random.split(jax.random.key(5), trials))
  counts = np.bincount(np.asarray(first) // 10, minlength=10)
  chi2 = np.sum((counts - trials / 10) ** 2 / (trials / 10))
  assert chi2 < 27.9, counts  # p = 0.001 for 9 degrees of freedom


def test_neighbouring_positions_are_decorrelated():
  n = 50_000
  index = np.asarray(permuted_index(jax.random.key(2), jnp.arange(n), n))
  assert abs(np.corrcoef(np.arange(n), index)[0, 1]) < 0.02
  assert abs(np.corrcoef(index[:-1], index[1:])[0, 1]) < 0.02
