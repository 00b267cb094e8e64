"""Adversarial objectives, written in terms of D's logits.

Working from logits (never from probabilities) keeps every objective finite:
log(sigmoid(l)) = -softplus(-l) and log(1 - sigmoid(l)) = -softplus(l) hold for
any l, while the probability form underflows to log(0) once D is confident.
Each objective is a pair of functions registered under the name that
`config.loss.name` selects.
"""
from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp

from gan_jax.registry import Registry

Array = jax.Array


class GanLoss(NamedTuple):
  """D minimises `d_loss(real_logits, fake_logits)`, G minimises `g_loss`."""
  d_loss: Callable[[Array, Array], Array]
  g_loss: Callable[[Array], Array]


LOSSES: Registry[GanLoss] = Registry('loss')


def _d_cross_entropy(real_logits: Array, fake_logits: Array) -> Array:
  """-E[log D(x)] - E[log(1 - D(G(z)))], the paper's value with D's sign."""
  return (jnp.mean(jax.nn.softplus(-real_logits)) +
          jnp.mean(jax.nn.softplus(fake_logits)))


def _g_minimax(fake_logits: Array) -> Array:
  """E[log(1 - D(G(z)))]: the game as written, flat where D wins (2014 §3)."""
  return -jnp.mean(jax.nn.softplus(fake_logits))


def _g_non_saturating(fake_logits: Array) -> Array:
  """-E[log D(G(z))]: same fixed point, strong gradients early in training."""
  return jnp.mean(jax.nn.softplus(-fake_logits))


LOSSES.register('minimax')(GanLoss(_d_cross_entropy, _g_minimax))
LOSSES.register('non_saturating')(GanLoss(_d_cross_entropy, _g_non_saturating))
