"""Optimisers for G and D, built by name from `config.optim.{g,d}`.

G and D get separate optimisers (and so separate schedules and states). Every
hyperparameter is injected (`optax.inject_hyperparams`), so its current value
lives in the optimiser state: it is checkpointed, and the trainer can log it.

Every schedule counts training steps (G updates, what `train.num_steps` and
`steps_per_epoch` count), not the optimiser's own updates: D makes
`train.d_steps` updates per step, and counting those would run its schedule
k times faster than G's (an annealed D rate would reach 0 at step
num_steps / k). Each builder gets `updates_per_step` to convert.
"""
from collections.abc import Callable

import jax.numpy as jnp
import ml_collections
import optax

from gan_jax.registry import Registry

OptimizerBuilder = Callable[[ml_collections.ConfigDict, int, int],
                            optax.GradientTransformation]
OPTIMIZERS: Registry[OptimizerBuilder] = Registry('optimizer')


def _per_training_step(schedule: optax.Schedule,
                       updates_per_step: int) -> optax.Schedule:
  """`schedule` of the training step, called with the optimiser's count."""
  return lambda count: schedule(count // updates_per_step)


@OPTIMIZERS.register('adam')
def adam(config: ml_collections.ConfigDict, steps_per_epoch: int,
         updates_per_step: int = 1) -> optax.GradientTransformation:
  """Constant rate, or cosine-annealed over `decay_steps` training steps.

  Annealing is what buys precision on the toy mixtures: a rate large enough
  to move mass between modes early keeps G jittering by more than a mode's
  width late (std 0.01 on the ring).
  """
  del steps_per_epoch
  learning_rate = config.learning_rate
  if config.decay_steps:
    learning_rate = _per_training_step(optax.cosine_decay_schedule(
        config.learning_rate, config.decay_steps, alpha=config.decay_to),
                                       updates_per_step)
  return optax.inject_hyperparams(optax.adam)(
      learning_rate=learning_rate, b1=config.b1, b2=config.b2)


def _pylearn2_momentum(learning_rate, momentum) -> optax.GradientTransformation:
  # pylearn2 keeps the learning rate inside the velocity,
  #   v <- momentum * v - lr * g;  p <- p + v,
  # which differs from optax.sgd's trace-then-scale once lr decays.
  return optax.chain(optax.scale(-learning_rate), optax.trace(decay=momentum))


def sgd_schedules(config: ml_collections.ConfigDict, steps_per_epoch: int):
  """The 2014 paper's (learning rate, momentum) as functions of the update.

  The learning rate is divided by `lr_decay` after every update, down to
  `min_lr` (pylearn2's ExponentialDecay). Momentum moves linearly from
  `momentum` at epoch `momentum_start` to `final_momentum` at epoch
  `momentum_saturate`, changing once per epoch (pylearn2's MomentumAdjustor).
  """
  learning_rate_fn = optax.exponential_decay(
      config.learning_rate, transition_steps=1,
      decay_rate=1.0 / config.lr_decay, end_value=config.min_lr)

  def momentum_fn(count):
    epoch = count // steps_per_epoch
    span = max(config.momentum_saturate - config.momentum_start, 1)
    alpha = jnp.clip((epoch - config.momentum_start) / span, 0.0, 1.0)
    return (1 - alpha) * config.momentum + alpha * config.final_momentum

  return learning_rate_fn, momentum_fn


@OPTIMIZERS.register('sgd')
def sgd(config: ml_collections.ConfigDict, steps_per_epoch: int,
        updates_per_step: int = 1) -> optax.GradientTransformation:
  learning_rate_fn, momentum_fn = sgd_schedules(config, steps_per_epoch)
  return optax.inject_hyperparams(_pylearn2_momentum)(
      learning_rate=_per_training_step(learning_rate_fn, updates_per_step),
      momentum=_per_training_step(momentum_fn, updates_per_step))


def build_optimizer(config: ml_collections.ConfigDict, steps_per_epoch: int,
                    updates_per_step: int = 1) -> optax.GradientTransformation:
  """`updates_per_step`: this optimiser's updates per training step (D's k)."""
  return OPTIMIZERS.get(config.name)(config, steps_per_epoch,
                                     updates_per_step)


def learning_rate(opt_state) -> jnp.ndarray:
  """The learning rate that the latest update used (inject_hyperparams)."""
  return opt_state.hyperparams['learning_rate']
