"""A random permutation of [0, n) evaluated one index at a time.

`jax.random.permutation` sorts all n indices, and a training step only needs
one batch of them: on a CPU the 50,000-image sort took 28 ms, two thirds of
the 2014 MNIST GAN's step. A keyed Feistel network is a bijection on
[0, 4^h) for any round function, and "cycle walking" (re-applying it to
outputs that fall outside [0, n)) restricts it to a bijection on [0, n). So
the step computes exactly the indices it uses: O(batch), no sort, no state.
"""
import jax
import jax.numpy as jnp

_ROUNDS = 6


def _mix(x: jax.Array) -> jax.Array:
  """A 32-bit integer hash with good avalanche (Wellons' "lowbias32")."""
  x = x ^ (x >> 16)
  x = x * jnp.uint32(0x7FEB352D)
  x = x ^ (x >> 15)
  x = x * jnp.uint32(0x846CA68B)
  return x ^ (x >> 16)


def _half_bits(n: int) -> int:
  return max((max(n - 1, 1).bit_length() + 1) // 2, 1)


def _feistel(x: jax.Array, round_keys: jax.Array, half_bits: int) -> jax.Array:
  mask = jnp.uint32((1 << half_bits) - 1)
  left, right = x >> half_bits, x & mask
  for r in range(_ROUNDS):
    left, right = right, left ^ (_mix(right ^ round_keys[r]) & mask)
  return (left << half_bits) | right


def permuted_index(key: jax.Array, positions: jax.Array, n: int) -> jax.Array:
  """The values at `positions` of one random permutation of [0, n).

  The permutation is a pure function of `key`; distinct positions in [0, n)
  map to distinct indices in [0, n).
  """
  half_bits = _half_bits(n)
  round_keys = jax.random.bits(key, (_ROUNDS,), jnp.uint32)
  permute = lambda x: _feistel(x, round_keys, half_bits)
  outside = lambda x: jnp.any(x >= n)
  # Each element walks its own cycle until it lands inside [0, n); the domain
  # is under 4n, so this takes a few iterations on average.
  walk = lambda x: jnp.where(x >= n, permute(x), x)
  index = jax.lax.while_loop(outside, walk,
                             permute(positions.astype(jnp.uint32)))
  return index.astype(jnp.int32)
