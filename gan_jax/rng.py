"""Every random number is a pure function of (seed, purpose, counter).

Keys are never carried and split on the host: the state holds one base key,
and each use derives `fold_in(fold_in(base, purpose), counter)`. So step t
draws the same numbers whether the run got there straight or after a resume,
and members of a population differ only in their base key.
"""
import enum

import jax


class Stream(enum.IntEnum):
  INIT = 0     # parameter initialisation
  NOISE = 1    # z for training, indexed by step
  DROPOUT = 2  # dropout masks, indexed by step
  DATA = 3     # epoch permutations of the training set, indexed by epoch
  SAMPLES = 4  # the fixed z behind the sample grids
  PENALTY = 5  # gradient-penalty interpolation weights, indexed by step


def key_for(base: jax.Array, stream: Stream, counter=0) -> jax.Array:
  return jax.random.fold_in(jax.random.fold_in(base, int(stream)), counter)
