"""CycleGAN's update (Zhu et al. 2017): a pure step over TrainState.

G is not driven by noise: both translators read a real batch x = [a | b]
(domains side by side in channels, models/cyclegan.py) and G minimises
  adversarial(D(G(x))) + cycle_weight * |G(G(x)) - x|_1
                       + identity_weight * |G(swap(x)) - x|_1,
where G(G(x)) = [G_BA(G_AB(a)), G_AB(G_BA(b))] and G(swap(x)) = [G_BA(a),
G_AB(b)]. The paper sums one term per translator; our objectives average
over both critics' patches and both domains' pixels, so each term is taken
twice to give the paper's sum. The adversarial objective is any registered
loss (the paper's is 'least_squares', whose 1/2 factor makes its weight
half the reference code's against lambda). D minimises that loss on x
against G(x).

'alternating' updates D first and G against the new D, as the other GANs
here; 'simultaneous' takes G's gradient against D as it was, which is the
reference code's order (G, then D on the same fakes). The paper's history
buffer of 50 fakes is not used: D sees this step's fakes only.
"""
from collections.abc import Callable

import jax
import jax.numpy as jnp
import optax

from gan_jax import rng
from gan_jax.optim import learning_rate
from gan_jax.train_state import TrainState
from gan_jax.train_step import (Gan, Metrics, _all_finite, apply_model,
                                nonfinite_mask, update_generator)

Array = jax.Array


def swap_domains(x: Array) -> Array:
  """[a | b] -> [b | a]: what G reads to map each domain onto itself."""
  c = x.shape[-1] // 2
  return jnp.concatenate([x[..., c:], x[..., :c]], axis=-1)


def summed_l1(x: Array, y: Array) -> Array:
  """Mean |x - y| per domain, summed over the two domains."""
  return 2.0 * jnp.mean(jnp.abs(x - y))


def make_cyclegan_step(gan: Gan) -> Callable[[TrainState, Array],
                                             tuple[TrainState, Metrics]]:
  """Returns step(state, real) with real [1, B, H, W, 2C] (k = 1)."""
  generator, discriminator, loss = (gan.models.generator,
                                    gan.models.discriminator, gan.loss)

  def g_objective(params, g_stats, critic, d_stats, x, key):
    fake_key, rec_key, same_key, critic_key = jax.random.split(key, 4)
    fake, g_stats = apply_model(generator, params, g_stats, x, train=True,
                                key=fake_key)
    rec, g_stats = apply_model(generator, params, g_stats, fake, train=True,
                               key=rec_key)
    logits, d_stats = apply_model(discriminator, critic, d_stats, fake,
                                  train=True, key=critic_key)
    real_logits = None
    if loss.g_uses_real:  # a constant for G: no gradient flows into x
      real_logits, d_stats = apply_model(discriminator, critic, d_stats, x,
                                         train=True,
                                         key=jax.random.fold_in(critic_key, 1))
    terms = {'g_adv': 2.0 * loss.g_loss(real_logits, logits),
             'cycle': summed_l1(rec, x), 'identity': jnp.zeros(())}
    if gan.identity_weight:
      same, g_stats = apply_model(generator, params, g_stats, swap_domains(x),
                                  train=True, key=same_key)
      terms['identity'] = summed_l1(same, x)
    total = (terms['g_adv'] + gan.cycle_weight * terms['cycle'] +
             gan.identity_weight * terms['identity'])
    return total, (fake, g_stats, d_stats, terms)

  g_grad = jax.value_and_grad(g_objective, has_aux=True)

  def d_update(d_params, d_stats, d_opt, real, fake, key):
    real_key, fake_key = jax.random.split(key)

    def loss_fn(params):
      real_logits, stats = apply_model(discriminator, params, d_stats, real,
                                        train=True, key=real_key)
      fake_logits, stats = apply_model(discriminator, params, stats, fake,
                                        train=True, key=fake_key)
      return loss.d_loss(real_logits, fake_logits), (stats, real_logits,
                                                     fake_logits)

    (d_loss, (d_stats, real_logits, fake_logits)), grads = jax.value_and_grad(
        loss_fn, has_aux=True)(d_params)
    updates, d_opt = gan.d_tx.update(grads, d_opt, d_params)
    d_params = optax.apply_updates(d_params, updates)
    if gan.d_clip:
      d_params = jax.tree.map(lambda p: jnp.clip(p, -gan.d_clip, gan.d_clip),
                              d_params)
    metrics = {'d_loss': d_loss, 'd_penalty': jnp.zeros(()),
               'd_real': jnp.mean(jax.nn.sigmoid(real_logits)),
               'd_fake': jnp.mean(jax.nn.sigmoid(fake_logits))}
    return d_params, d_stats, d_opt, metrics, _all_finite(grads)

  def step(state: TrainState, real: Array,
           labels: Array | None = None) -> tuple[TrainState, Metrics]:
    del labels  # unconditional: labels exist for evaluation only
    x = real[-1]
    g_key, d_key = jax.random.split(
        rng.key_for(state.key, rng.Stream.DROPOUT, state.step))
    if gan.simultaneous:
      (g_loss, (fake, g_stats, d_stats, terms)), g_grads = g_grad(
          state.g_params, state.g_stats, state.d_params, state.d_stats, x,
          g_key)
      d_params, d_stats, d_opt, metrics, d_finite = d_update(
          state.d_params, d_stats, state.d_opt_state, x,
          jax.lax.stop_gradient(fake), d_key)
    else:
      fake, _ = apply_model(generator, state.g_params, state.g_stats, x,
                            train=True, key=jax.random.split(g_key, 4)[0])
      d_params, d_stats, d_opt, metrics, d_finite = d_update(
          state.d_params, state.d_stats, state.d_opt_state, x, fake, d_key)
      (g_loss, (_, g_stats, d_stats, terms)), g_grads = g_grad(
          state.g_params, state.g_stats, d_params, d_stats, x, g_key)

    g_params, g_opt, g_ema = update_generator(gan, state, g_grads)
    mask = nonfinite_mask(d_loss=jnp.isfinite(metrics['d_loss']),
                          g_loss=jnp.isfinite(g_loss), d_grads=d_finite,
                          g_grads=_all_finite(g_grads))
    metrics.update(terms, g_loss=g_loss, g_lr=learning_rate(g_opt),
                   d_lr=learning_rate(d_opt), nonfinite=mask)
    new_state = state.replace(
        step=state.step + 1, g_params=g_params, d_params=d_params,
        g_stats=g_stats, d_stats=d_stats, g_opt_state=g_opt, d_opt_state=d_opt,
        g_ema=g_ema)
    if gan.skip_nonfinite:  # keep the old state, but count the step
      new_state = jax.tree.map(lambda new, old: jnp.where(mask == 0, new, old),
                               new_state, state.replace(step=new_state.step))
    return new_state, metrics

  return step
