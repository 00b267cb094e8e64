"""One GAN update: k discriminator steps, then one generator step.

The step is a pure function of (state, real batches), so it can be jitted,
sharded over a mesh, vmapped over a population, and replayed bit-exactly.

The last D step and the G step share one forward pass of G (as PyTorch
recipes do by reusing `fake`): we keep the VJP of G at that point and pull
D's gradient with respect to the fake images back through it. With
`simultaneous=True`, G's gradient is taken against D *before* D's last update
(the 2014 code's simultaneous k=1 update); otherwise against D after it.

D minimises its objective plus `loss.penalty_weight` times the loss's
gradient penalty; the penalty's extra D pass keeps neither its batch
statistics nor its power-iteration updates, so penalties change D's gradient
only, never its running statistics.
"""
from collections.abc import Callable
import functools
from typing import Any, NamedTuple

import flax.linen as nn
import jax
import jax.numpy as jnp
import optax

from gan_jax import rng
from gan_jax.losses import GanLoss, mutual_information
from gan_jax.models import GanModels, sample_noise
from gan_jax.optim import learning_rate
from gan_jax.train_state import TrainState, create_train_state

Array = jax.Array
PyTree = Any
Metrics = dict[str, Array]

# Bit i of the 'nonfinite' metric is set when quantity i was NaN or Inf.
NONFINITE_QUANTITIES = ('d_loss', 'g_loss', 'd_grads', 'g_grads')


def _all_finite(tree) -> Array:
  # A GMMN's D has no parameters: an empty tree is finite.
  return jnp.all(jnp.stack([jnp.array(True)] +
                           [jnp.all(jnp.isfinite(x))
                            for x in jax.tree.leaves(tree)]))


def nonfinite_mask(**finite: Array) -> Array:
  """Packs per-quantity finiteness flags into one int32 (0 = all finite)."""
  return sum(jnp.where(finite[name], 0, 1 << i)
             for i, name in enumerate(NONFINITE_QUANTITIES))


def nonfinite_names(mask: int) -> list[str]:
  return [n for i, n in enumerate(NONFINITE_QUANTITIES) if mask >> i & 1]


class Gan(NamedTuple):
  """Everything static that defines an update rule."""
  models: GanModels
  loss: GanLoss
  g_tx: optax.GradientTransformation
  d_tx: optax.GradientTransformation
  d_steps: int = 1           # k: D updates per G update
  simultaneous: bool = False
  ema_decay: float = 0.0     # final EMA decay; 0 keeps g_ema equal to g_params
  skip_nonfinite: bool = False  # drop an update whose loss/grads are NaN/Inf
  d_clip: float = 0.0        # > 0: clip every D weight to [-c, c] after updates
  info_weight: float = 1.0   # lambda of InfoGAN's term (models with info_codes)
  cycle_weight: float = 10.0    # CycleGAN's lambda (translation models)
  identity_weight: float = 0.0  # CycleGAN's identity-loss weight


def state_factory(gan: Gan, image_shape: tuple[int, ...]
                  ) -> Callable[[int], TrainState]:
  """seed -> a fresh TrainState for this update rule, including the training
  variables its objective keeps (`TrainState.extra['loss']`)."""
  extra = {}
  if gan.loss.variables:
    extra['loss'] = {name: jnp.asarray(value, jnp.float32)
                     for name, value in gan.loss.variables.items()}
  return functools.partial(create_train_state, gan.models, gan.g_tx, gan.d_tx,
                           tuple(image_shape), extra=extra)


def ema_decay(decay: float, step: Array) -> Array:
  """The EMA's decay at `step`: `decay`, ramped up over the first updates.

  A constant 0.999 would keep 37% of the random initial weights in the
  average after 1,000 steps, so early samples and evaluations would show a
  half-initial generator. TensorFlow's ExponentialMovingAverage rule,
  min(decay, (1 + t) / (10 + t)), lets the average follow early training.
  """
  return jnp.minimum(decay, (1.0 + step) / (10.0 + step))


def update_generator(gan: Gan, state: TrainState, g_grads
                     ) -> tuple[PyTree, optax.OptState, PyTree]:
  """G's optimiser step and its EMA, shared by every update rule."""
  updates, g_opt = gan.g_tx.update(g_grads, state.g_opt_state, state.g_params)
  g_params = optax.apply_updates(state.g_params, updates)
  g_ema = optax.incremental_update(
      g_params, state.g_ema, step_size=1.0 - ema_decay(gan.ema_decay,
                                                       state.step))
  return g_params, g_opt, g_ema


def apply_model(module: nn.Module, params, stats, x: Array,
                labels: Array | None = None, *, train: bool,
                key: Array | None = None,
                level: Array | None = None) -> tuple[Array, dict]:
  """Runs a G or D (given the class `labels` if it is conditional, the
  growth `level` if it is progressively grown); in training mode also
  returns updated batch statistics."""
  variables = {'params': params, 'batch_stats': stats}
  inputs = (x,) if labels is None else (x, labels)
  kwargs = {} if level is None else {'level': level}
  if not train:
    return module.apply(variables, *inputs, train=False, **kwargs), stats
  out, updated = module.apply(variables, *inputs, train=True,
                              rngs={'dropout': key}, mutable=['batch_stats'],
                              **kwargs)
  return out, updated.get('batch_stats', {})


def make_train_step(gan: Gan) -> Callable[[TrainState, Array],
                                          tuple[TrainState, Metrics]]:
  """Returns step(state, real, labels) with real of shape [d_steps, B, ...].

  `labels` ([d_steps, B] int32) are the real examples' classes, for a
  conditional model only (else None); the fakes D sees are drawn for the
  same classes, so D cannot tell them apart by class frequency.
  """
  generator, discriminator = gan.models.generator, gan.models.discriminator
  info_codes = gan.models.info_codes

  def judge(params, stats, x, labels, key, level):
    """D's logits, InfoGAN's Q outputs (None without codes), new stats."""
    out, stats = apply_model(discriminator, params, stats, x, labels,
                             train=True, key=key, level=level)
    logits, q = out if isinstance(out, tuple) else (out, None)
    return logits, q, stats

  def info_term(q, z):
    """lambda * InfoGAN's loss for fakes drawn from z; 0 without codes."""
    if q is None:
      return 0.0
    return gan.info_weight * mutual_information(q, z, info_codes)

  def d_update(d_params, d_stats, d_opt, real, fake, z, labels, key,
               penalty_key, loss_vars, level):
    real_key, fake_key = jax.random.split(key)
    point_key, dropout_key = jax.random.split(penalty_key)

    def loss_fn(params):
      real_logits, _, stats = judge(params, d_stats, real, labels, real_key,
                                    level)
      fake_logits, q, stats = judge(params, stats, fake, labels, fake_key,
                                    level)

      def critic(x):
        return judge(params, stats, x, labels, dropout_key, level)[0]

      penalty = gan.loss.penalty_weight * gan.loss.penalty(critic, real, fake,
                                                           point_key)
      info = info_term(q, z)  # Q shares D's body and trains with it
      return gan.loss.d_loss(real_logits, fake_logits,
                             **loss_vars) + penalty + info, (
          stats, real_logits, fake_logits, penalty, info)

    (loss, (d_stats, real_logits, fake_logits, penalty, info)), grads = (
        jax.value_and_grad(loss_fn, has_aux=True)(d_params))
    updates, d_opt = gan.d_tx.update(grads, d_opt, d_params)
    metrics = {'d_loss': loss, 'd_penalty': penalty,
               **({'info': info} if sum(info_codes) else {}),
               'd_real': jnp.mean(jax.nn.sigmoid(real_logits)),
               'd_fake': jnp.mean(jax.nn.sigmoid(fake_logits)),
               'd_finite': jnp.isfinite(loss) & _all_finite(grads)}
    d_params = optax.apply_updates(d_params, updates)
    if gan.d_clip:  # WGAN's weight clipping (Arjovsky et al. 2017)
      d_params = jax.tree.map(lambda p: jnp.clip(p, -gan.d_clip, gan.d_clip),
                              d_params)
    return d_params, d_stats, d_opt, metrics, (real_logits, fake_logits)

  def step(state: TrainState, real: Array,
           labels: Array | None = None) -> tuple[TrainState, Metrics]:
    k, batch = real.shape[:2]
    loss_vars = state.extra.get('loss', {})
    level = None
    if gan.models.growth is not None:  # progressive growing's fade
      level = gan.models.growth.level(state.step)
      real = gan.models.growth.fade_reals(real, level)
    zs = sample_noise(gan.models, rng.key_for(state.key, rng.Stream.NOISE,
                                              state.step), k * batch)
    zs = zs.reshape(k, batch, -1)
    keys = jax.random.split(
        rng.key_for(state.key, rng.Stream.DROPOUT, state.step), k)
    penalty_keys = jax.random.split(
        rng.key_for(state.key, rng.Stream.PENALTY, state.step), k)

    def d_only(carry, real_i, labels_i, z_i, key_i, penalty_key_i):
      d_params, d_stats, d_opt, g_stats = carry
      g_key, d_key = jax.random.split(key_i)
      fake, g_stats = apply_model(generator, state.g_params, g_stats, z_i,
                                  labels_i, train=True, key=g_key, level=level)
      d_params, d_stats, d_opt, m, _ = d_update(
          d_params, d_stats, d_opt, real_i, fake, z_i, labels_i, d_key,
          penalty_key_i, loss_vars, level)
      return (d_params, d_stats, d_opt, g_stats), m['d_finite']

    carry = (state.d_params, state.d_stats, state.d_opt_state, state.g_stats)
    earlier_d_finite = jnp.array(True)
    # Unrolled, not a lax.scan: k is small and static, and inside a while
    # loop XLA:CPU gave D's kernel gradients non-canonical layouts that
    # Eigen does not run, so DCGAN with k = 2 took 7x as long per step
    # (benchmarks/step_time.py --d_steps=2; RESULTS.md "D steps on CPU").
    for i in range(k - 1):
      carry, finite = d_only(carry, real[i],
                             None if labels is None else labels[i], zs[i],
                             keys[i], penalty_keys[i])
      earlier_d_finite &= finite
    d_params, d_stats, d_opt, g_stats = carry

    g_key, d_key, critic_key = jax.random.split(keys[-1], 3)
    last_labels = None if labels is None else labels[-1]
    fake, g_vjp, g_stats = jax.vjp(
        lambda p: apply_model(generator, p, g_stats, zs[-1], last_labels,
                              train=True, key=g_key, level=level),
        state.g_params, has_aux=True)
    new_d_params, d_stats, d_opt, metrics, d_outputs = d_update(
        d_params, d_stats, d_opt, real[-1], jax.lax.stop_gradient(fake),
        zs[-1], last_labels, d_key, penalty_keys[-1], loss_vars, level)
    extra = state.extra
    if gan.loss.update_variables:  # once per step, from the last D update
      new_vars, loss_metrics = gan.loss.update_variables(loss_vars,
                                                         *d_outputs)
      extra = {**extra, 'loss': new_vars}
      metrics.update(loss_metrics)
    if level is not None:  # the checkpoint carries the stage trained at
      extra = {**extra, **gan.models.growth.extra_at(level)}
    critic = d_params if gan.simultaneous else new_d_params

    def g_loss_fn(fake):
      logits, q, stats = judge(critic, d_stats, fake, last_labels, critic_key,
                               level)
      real_logits = None
      if gan.loss.g_uses_real:  # a constant for G: no gradient flows into x
        real_logits, _, stats = judge(critic, stats, real[-1], last_labels,
                                      jax.random.fold_in(critic_key, 1), level)
      return gan.loss.g_loss(real_logits, logits, **loss_vars) + info_term(
          q, zs[-1]), stats

    (g_loss, d_stats), fake_grad = jax.value_and_grad(
        g_loss_fn, has_aux=True)(fake)
    (g_grads,) = g_vjp(fake_grad)
    g_params, g_opt, g_ema = update_generator(gan, state, g_grads)
    d_finite = metrics.pop('d_finite') & earlier_d_finite
    mask = nonfinite_mask(d_loss=jnp.isfinite(metrics['d_loss']),
                          g_loss=jnp.isfinite(g_loss), d_grads=d_finite,
                          g_grads=_all_finite(g_grads))
    metrics.update(g_loss=g_loss, g_lr=learning_rate(g_opt),
                   d_lr=learning_rate(d_opt), nonfinite=mask)
    new_state = state.replace(
        step=state.step + 1, g_params=g_params, d_params=new_d_params,
        g_stats=g_stats, d_stats=d_stats, g_opt_state=g_opt, d_opt_state=d_opt,
        g_ema=g_ema, extra=extra)
    if gan.skip_nonfinite:  # keep the old state, but count the step
      new_state = jax.tree.map(lambda new, old: jnp.where(mask == 0, new, old),
                               new_state, state.replace(step=new_state.step))
    return new_state, metrics

  return step
