"""Adversarial objectives, written in terms of D's raw outputs ("logits").

Working from logits (never from probabilities) keeps the cross-entropy
objectives finite: log(sigmoid(l)) = -softplus(-l) and log(1 - sigmoid(l)) =
-softplus(l) hold for any l, while the probability form underflows to log(0)
once D is confident. Critics (Wasserstein, hinge, least squares) read the same
output as an unbounded score. Each objective is a pair of functions
registered under the name that `config.loss.name` selects; both see the real
and the fake outputs, because relativistic objectives score one against the
other (G's gradient only ever flows through the fake ones).

`build_loss` completes a registered objective from `config.loss`: its
hyperparameters, and the gradient penalty (gan_jax.penalties) added to D's
loss, so that the update rule receives one object describing what D and G
minimise.
"""
from collections.abc import Callable, Sequence
import functools
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import ml_collections

from gan_jax.errors import ConfigError
from gan_jax.penalties import PENALTIES, Penalty, no_penalty
from gan_jax.registry import Registry

Array = jax.Array
Objective = Callable[[Array, Array], Array]   # (real_logits, fake_logits)
# (variables, real_logits, fake_logits) -> (new variables, metrics to log)
VariableUpdate = Callable[[dict, Array, Array], tuple[dict, dict[str, Array]]]


class GanLoss(NamedTuple):
  """D minimises `d_loss(real, fake)` + its penalty; G minimises `g_loss`."""
  d_loss: Objective
  g_loss: Objective
  g_uses_real: bool = False  # G's loss reads D(x): one more D pass in G's step
  # config.loss fields that build_loss binds into both objectives by keyword.
  hyperparameters: tuple[str, ...] = ()
  trains_d: bool = True      # False: no discriminator is learnt (GMMN)
  penalty: Penalty = no_penalty
  penalty_weight: float = 0.0
  # An objective with training variables of its own (BEGAN's k_t): their
  # initial values, kept in TrainState.extra['loss'] and passed to both
  # objectives by keyword, and their update from each step's last D outputs.
  variables: dict[str, Any] | None = None
  update_variables: VariableUpdate | None = None


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


def _began_update(variables: dict, real: Array, fake: Array, *,
                  began_gamma: float, began_lambda_k: float
                  ) -> tuple[dict, dict[str, Array]]:
  """k_{t+1} = clip(k_t + lambda_k (gamma L(x) - L(G(z))), 0, 1), and the
  convergence measure M_global = L(x) + |gamma L(x) - L(G(z))|."""
  real_loss, fake_loss = jnp.mean(real), jnp.mean(fake)
  balance = began_gamma * real_loss - fake_loss
  k = jnp.clip(variables['k'] + began_lambda_k * balance, 0.0, 1.0)
  return {'k': k}, {'k': k, 'm_global': real_loss + jnp.abs(balance),
                    'recon_real': real_loss, 'recon_fake': fake_loss}


# Berthelot et al. 2017 (BEGAN): D is an autoencoder whose outputs are
# reconstruction errors L(v) (model 'began'). D minimises L(x) - k_t L(G(z)),
# G minimises L(G(z)), and k_t keeps E L(G(z)) = gamma E L(x) by
# proportional control: gamma sets the diversity, lambda_k k's learning rate.
LOSSES.register('began')(GanLoss(
    lambda real, fake, k, **_: jnp.mean(real) - k * jnp.mean(fake),
    lambda real, fake, k, **_: jnp.mean(fake),
    hyperparameters=('began_gamma', 'began_lambda_k'),
    variables={'k': 0.0}, update_variables=_began_update))


def kernel_mmd2(x: Array, y: Array, sigmas: Sequence[float]) -> Array:
  """Squared MMD of two samples under k(a, b) = sum_s exp(-|a-b|^2 / (2 s)).

  The biased (V-statistic) estimate ||mean phi(x) - mean phi(y)||^2, which
  is never negative, with the kernel and the scale parameters s as in the
  GMMN authors' code (s multiplies |a-b|^2 / 2, so it is a variance, not a
  standard deviation). Rows of x and y are flattened to vectors.
  """
  z = jnp.concatenate([x.reshape(x.shape[0], -1), y.reshape(y.shape[0], -1)])
  z = z.astype(jnp.float32)
  gram = jnp.matmul(z, z.T, precision=jax.lax.Precision.HIGHEST)
  sq = jnp.diagonal(gram)
  dist2 = jnp.maximum(sq[:, None] + sq[None, :] - 2.0 * gram, 0.0)
  kernel = sum(jnp.exp(-dist2 / (2.0 * s)) for s in sigmas)
  weights = jnp.concatenate([jnp.full(x.shape[0], 1.0 / x.shape[0]),
                             jnp.full(y.shape[0], -1.0 / y.shape[0])])
  # Elementwise, not matmuls: MMD^2 is a small difference of O(1) sums that
  # reduced-precision (TF32) matrix products would swamp.
  return jnp.sum(weights[:, None] * kernel * weights[None, :])


def _root_mmd(real: Array, fake: Array, mmd_sigmas: Sequence[float]) -> Array:
  # GMMN trains on sqrt(MMD^2), which Li et al. 2015 found to train better
  # (their code's MMDGEN_SQRT_GAUSSIAN loss). The floor keeps sqrt's slope
  # finite at 0.
  return jnp.sqrt(jnp.maximum(kernel_mmd2(fake, real, mmd_sigmas), 1e-12))


# Li et al. 2015, GMMN: no discriminator, G minimises the kernel MMD between
# its samples and the data, computed on D's outputs; with the parameter-free
# 'gmmn' model's D those are the images themselves.
LOSSES.register('mmd')(GanLoss(
    lambda real, fake, mmd_sigmas: jnp.zeros(()), _root_mmd,
    g_uses_real=True, hyperparameters=('mmd_sigmas',), trains_d=False))


def build_loss(config: ml_collections.ConfigDict) -> GanLoss:
  """The objective `config.name` with its hyperparameters and penalty."""
  loss = LOSSES.get(config.name)
  bound = {name: config[name] for name in loss.hyperparameters}
  if config.penalty != 'none' and not loss.trains_d:
    raise ConfigError(f'loss.penalty={config.penalty!r} needs a discriminator '
                      f'to regularise; loss {config.name!r} trains none')
  update = loss.update_variables
  return loss._replace(
      d_loss=functools.partial(loss.d_loss, **bound),
      g_loss=functools.partial(loss.g_loss, **bound),
      update_variables=update and functools.partial(update, **bound),
      penalty=PENALTIES.get(config.penalty),
      penalty_weight=float(config.penalty_weight))


def mutual_information(q: Array, z: Array,
                       info_codes: tuple[int, int]) -> Array:
  """InfoGAN's variational bound on -I(c; G(z, c)), up to a constant
  (Chen et al. 2016): cross-entropy of Q's logits against the categorical
  code, plus the Gaussian negative log-likelihood (unit variance) of the
  continuous codes under Q's means. The codes are the last K + L entries
  of G's input `z` (see models.sample_noise)."""
  categorical, continuous = info_codes
  codes = z[:, z.shape[1] - categorical - continuous:]
  cat_loss = -jnp.mean(jnp.sum(codes[:, :categorical] * jax.nn.log_softmax(
      q[:, :categorical]), axis=-1))
  cont_loss = 0.5 * jnp.mean(jnp.sum(
      (codes[:, categorical:] - q[:, categorical:]) ** 2, axis=-1))
  return cat_loss + cont_loss
