"""Penalties on D's input gradient, added to D's loss (`config.loss.penalty`).

G learns only through D's gradient with respect to its input, so these
regularise exactly that quantity. WGAN-GP (Gulrajani et al. 2017) keeps its
norm near 1 on random points between data and samples, a soft form of the
1-Lipschitz constraint the Wasserstein critic needs, without clipping's
capacity loss. R1 (Mescheder et al. 2018) pushes it towards 0 on the data, so
that D cannot keep a non-zero gradient at the equilibrium p_g = p_data, where
unregularised GAN training can circle instead of converging. Both are
independent of the objective, so they combine with every loss.

A penalty is `(critic, real, fake, key) -> scalar`, unweighted; the step
multiplies it by `config.loss.penalty_weight` (lambda for 'gp', gamma for
'r1'). `critic` maps a batch of images to D's outputs [B].
"""
from collections.abc import Callable

import jax
import jax.numpy as jnp

from gan_jax.registry import Registry

Array = jax.Array
Critic = Callable[[Array], Array]
Penalty = Callable[[Critic, Array, Array, Array], Array]

PENALTIES: Registry[Penalty] = Registry('penalty')


def input_gradients(critic: Critic, x: Array) -> Array:
  """d critic(x)_i / d x_i for every example i, shaped like x.

  One backward pass of the summed outputs gives every per-example gradient,
  because output i reads only input i (exactly so without batch norm; with
  it, each gradient also carries the batch statistics' small cross terms, as
  in every framework's version of these penalties).
  """
  return jax.grad(lambda x: jnp.sum(critic(x)))(x)


def squared_norms(grads: Array) -> Array:
  """||g_i||^2 over all of an example's pixels and channels: [B]."""
  return jnp.sum(jnp.square(grads.reshape(grads.shape[0], -1)), axis=1)


def _norms(grads: Array) -> Array:
  # sqrt has an infinite derivative at 0 (a dead or constant D); the
  # where-trick gives the subgradient 0 there instead of NaN.
  squared = squared_norms(grads)
  positive = squared > 0
  return jnp.where(positive, jnp.sqrt(jnp.where(positive, squared, 1.0)), 0.0)


def interpolate(real: Array, fake: Array, key: Array) -> Array:
  """x_hat = eps x + (1 - eps) G(z), eps ~ U[0, 1] drawn per example."""
  eps = jax.random.uniform(key, (real.shape[0],) + (1,) * (real.ndim - 1),
                           real.dtype)
  return eps * real + (1.0 - eps) * fake


@PENALTIES.register('none')
def no_penalty(critic: Critic, real: Array, fake: Array, key: Array) -> Array:
  del critic, real, fake, key  # D is never run again: no cost
  return jnp.zeros(())


@PENALTIES.register('gp')
def gradient_penalty(critic: Critic, real: Array, fake: Array,
                     key: Array) -> Array:
  """E[(||grad D(x_hat)||_2 - 1)^2] on random interpolates (Gulrajani eq. 3)."""
  x_hat = interpolate(real, fake, key)
  return jnp.mean(jnp.square(_norms(input_gradients(critic, x_hat)) - 1.0))


@PENALTIES.register('r1')
def r1_penalty(critic: Critic, real: Array, fake: Array, key: Array) -> Array:
  """1/2 E[||grad D(x)||^2] on the data (Mescheder eq. 9 with gamma = 1)."""
  del fake, key
  return 0.5 * jnp.mean(squared_norms(input_gradients(critic, real)))
