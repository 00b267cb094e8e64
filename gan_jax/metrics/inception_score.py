"""Inception Score (Salimans et al. 2016) from the dataset classifier's logits.

exp E_x[KL(p(y|x) || p(y))]: high when each sample is confidently one class
and the classes are used evenly; at most the number of classes.
"""
import functools

import jax
import jax.numpy as jnp
import numpy as np

Array = jax.Array


@functools.partial(jax.jit, static_argnames='splits')
def inception_score(logits: Array, splits: int = 10) -> tuple[Array, Array]:
  """(mean, std) of the score over `splits` consecutive chunks of [N, K]
  logits, chunked as in the original code (chunk k is N*k//splits onwards)."""
  n = logits.shape[0]
  chunk = np.searchsorted(np.arange(1, splits) * n // splits, np.arange(n),
                          side='right')
  log_p = jax.nn.log_softmax(logits)
  p = jnp.exp(log_p)
  sizes = jax.ops.segment_sum(jnp.ones(n), chunk, splits)
  marginal = jax.ops.segment_sum(p, chunk, splits) / sizes[:, None]
  kl = jnp.sum(p * (log_p - jnp.log(marginal)[chunk]), axis=-1)
  scores = jnp.exp(jax.ops.segment_sum(kl, chunk, splits) / sizes)
  return jnp.mean(scores), jnp.std(scores)
