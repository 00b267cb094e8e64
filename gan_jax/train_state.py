"""The whole training state as one pytree.

Everything a resumed run needs is in here, nothing is kept elsewhere: both
networks, their batch-norm statistics, the two optimiser states, the
generator's exponential moving average, the step and the base RNG key, and
the few variables some variants add to the update rule (`extra`: BEGAN's
k_t, for instance). So a checkpoint of this object is a complete, bit-exact
snapshot. Fields added later restore from older checkpoints with their
initial values (checkpoints.Checkpoints.restore_latest).
"""
from typing import Any

import flax
import jax
import jax.numpy as jnp
import optax

from gan_jax import rng
from gan_jax.models import GanModels, sample_noise

PyTree = Any


@flax.struct.dataclass
class TrainState:
  step: jax.Array            # int32 scalar: updates of G done so far
  key: jax.Array             # base PRNG key (uint32[2]); never changes
  g_params: PyTree
  d_params: PyTree
  g_stats: PyTree            # batch-norm running statistics ({} if none)
  d_stats: PyTree
  g_opt_state: optax.OptState
  d_opt_state: optax.OptState
  g_ema: PyTree              # EMA of g_params; equals g_params if disabled
  # Variant-specific training variables, such as BEGAN's k_t; {} for most.
  extra: PyTree = flax.struct.field(default_factory=dict)


def _split_vars(variables) -> tuple[PyTree, PyTree]:
  variables = dict(variables)
  # A parameter-free module (GMMN's D) has no 'params' collection at all.
  return variables.pop('params', {}), variables.get('batch_stats', {})


def create_train_state(models: GanModels, g_tx: optax.GradientTransformation,
                       d_tx: optax.GradientTransformation,
                       image_shape: tuple[int, ...],
                       seed: int, extra: PyTree | None = None) -> TrainState:
  """Initialises a fresh state; pure, so it can run under jit or eval_shape."""
  key = jax.random.PRNGKey(seed)
  g_key, d_key = jax.random.split(rng.key_for(key, rng.Stream.INIT))
  g_input = (jnp.zeros((2, *image_shape)) if models.translation
             else sample_noise(models, g_key, 2))
  cond = () if not models.num_classes else (jnp.zeros((2,), jnp.int32),)
  g_params, g_stats = _split_vars(
      models.generator.init(g_key, g_input, *cond, train=False))
  d_params, d_stats = _split_vars(models.discriminator.init(
      d_key, jnp.zeros((2 * models.pack, *image_shape)), *cond, train=False))
  return TrainState(
      step=jnp.zeros((), jnp.int32), key=key,
      g_params=g_params, d_params=d_params, g_stats=g_stats, d_stats=d_stats,
      g_opt_state=g_tx.init(g_params), d_opt_state=d_tx.init(d_params),
      g_ema=g_params, extra={**initial_extra(models), **(extra or {})})


def initial_extra(models: GanModels) -> PyTree:
  """The `extra` a model's update rule needs from step 0: a progressively
  grown model's level and stage (models/growth.py), so that every
  checkpoint records the stage it was taken at."""
  return {} if models.growth is None else models.growth.initial_extra()
