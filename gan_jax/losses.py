"""Adversarial objectives, written in terms of D's raw outputs ("logits").

Working from logits (never from probabilities) keeps the cross-entropy
objectives finite: log(sigmoid(l)) = -softplus(-l) and log(1 - sigmoid(l)) =
-softplus(l) hold for any l, while the probability form underflows to log(0)
once D is confident. Critics (Wasserstein, hinge, least squares) read the same
output as an unbounded score. Each objective is a pair of functions
registered under the name that `config.loss.name` selects; both see the real
and the fake outputs, because relativistic objectives score one against the
other (G's gradient only ever flows through the fake ones).
"""
from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp

from gan_jax.registry import Registry

Array = jax.Array
Objective = Callable[[Array, Array], Array]   # (real_logits, fake_logits)


class GanLoss(NamedTuple):
  """D minimises `d_loss(real, fake)`, G minimises `g_loss(real, fake)`."""
  d_loss: Objective
  g_loss: Objective
  g_uses_real: bool = False  # G's loss reads D(x): one more D pass in G's step


LOSSES: Registry[GanLoss] = Registry('loss')


def _register(name: str, d_loss: Objective, g_loss: Objective,
              g_uses_real: bool = False) -> None:
  LOSSES.register(name)(GanLoss(d_loss, g_loss, g_uses_real))


def _d_cross_entropy(real: Array, fake: Array) -> Array:
  """-E[log D(x)] - E[log(1 - D(G(z)))], the paper's value with D's sign."""
  return jnp.mean(jax.nn.softplus(-real)) + jnp.mean(jax.nn.softplus(fake))


# Goodfellow et al. 2014: E[log(1 - D(G(z)))] is the game as written, flat
# where D wins (§3); -E[log D(G(z))] has the same fixed point and strong
# gradients early in training.
_register('minimax', _d_cross_entropy,
          lambda real, fake: -jnp.mean(jax.nn.softplus(fake)))
_register('non_saturating', _d_cross_entropy,
          lambda real, fake: jnp.mean(jax.nn.softplus(-fake)))

# Arjovsky et al. 2017: the critic estimates W1 = E[f(x)] - E[f(G(z))]; it
# needs a Lipschitz constraint, from `loss.clip` (weight clipping) or the
# gradient penalty (`loss.penalty='gp'`, Gulrajani et al. 2017).
_register('wasserstein', lambda real, fake: jnp.mean(fake) - jnp.mean(real),
          lambda real, fake: -jnp.mean(fake))

# Lim & Ye 2017 / Miyato et al. 2018: the hinge version of the adversarial loss.
_register('hinge',
          lambda real, fake: (jnp.mean(jax.nn.relu(1.0 - real)) +
                              jnp.mean(jax.nn.relu(1.0 + fake))),
          lambda real, fake: -jnp.mean(fake))

# Mao et al. 2017 (LSGAN), targets a = 0 (fake), b = c = 1 (real).
_register('least_squares',
          lambda real, fake: 0.5 * jnp.mean((real - 1.0) ** 2) +
          0.5 * jnp.mean(fake ** 2),
          lambda real, fake: 0.5 * jnp.mean((fake - 1.0) ** 2))

# Jolicoeur-Martineau 2019, RSGAN: D estimates P(x more real than G(z)) for
# paired samples, sigmoid(C(x) - C(G(z))); G plays the mirrored game.
_register('relativistic',
          lambda real, fake: jnp.mean(jax.nn.softplus(-(real - fake))),
          lambda real, fake: jnp.mean(jax.nn.softplus(-(fake - real))),
          g_uses_real=True)


def _relativistic_average(a: Array, b: Array) -> Array:
  """RaSGAN's loss for the side whose outputs are `a` (taken as real)."""
  return (jnp.mean(jax.nn.softplus(-(a - jnp.mean(b)))) +
          jnp.mean(jax.nn.softplus(b - jnp.mean(a))))


# Jolicoeur-Martineau 2019, RaSGAN: each sample against the other side's mean.
_register('relativistic_average', _relativistic_average,
          lambda real, fake: _relativistic_average(fake, real),
          g_uses_real=True)

# Rocca & Rocca 2019: with D(x) = sigmoid(output), the value
# E(G, D) = 1/2 E[1 - D(x)] + 1/2 E[D(G(z))] is minimised by D, maximised by G.
_register('absolute_error',
          lambda real, fake: 0.5 * jnp.mean(1.0 - jax.nn.sigmoid(real)) +
          0.5 * jnp.mean(jax.nn.sigmoid(fake)),
          lambda real, fake: -0.5 * jnp.mean(jax.nn.sigmoid(fake)))
