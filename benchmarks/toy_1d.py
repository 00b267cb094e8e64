"""The 1-D lab, measured: transform method, optimal D and the -log 4 value.

  python benchmarks/toy_1d.py [--data=gauss1d] [--steps=6000] [--lr=1e-3]
      [--pack=1] [--ema_decay=0] [--frozen_at=100] [--d_steps=6000]

1. A GAN trains through the normal loop (experiments/toy_1d.py). Its G is
   read at 100,000 evenly spaced noise quantiles (an almost exact picture of
   p_g) for: the KS distance to the target CDF; the RMS distance of the map
   z -> G(z) from the nearer monotone transport F^-1(F_z(z)) (or its
   decreasing twin); the value V(D, G) of the trained pair on held-out data
   against -log 4, and against the value D* would reach with this G,
   -log 4 + 2 JSD(p_data || p_g). `--pack=m` trains PacGAN's packed D
   (a plain 1-D GAN collapses onto a narrow spike); with `--ema_decay` > 0
   the averaged generator is scored too, under `ema`.
2. Optimal D: the same recipe trained only `--frozen_at` steps gives a G
   that is still wrong; with G frozen (SGD at rate 0) a fresh D trains
   for `--d_steps` updates with the same train step, and is compared with
   D*(x) = p_data / (p_data + p_g) on 400 bins, weighted by where the two
   distributions put their mass. This part always uses an unpacked D, for
   which that formula holds.
Prints one JSON object.
"""
import json
import tempfile
import time

import jax
import numpy as np
import optax
from absl import app, flags, logging

import harness
from gan_jax import parallel, train
from gan_jax.data import toy
from gan_jax.metrics import toy as toy_metrics
from gan_jax.train_state import create_train_state
from gan_jax.train_step import apply_model

_DATA = flags.DEFINE_string('data', 'gauss1d', 'gauss1d or mixture1d.')
_STEPS = flags.DEFINE_integer('steps', 6000, 'G updates of the GAN.')
_LR = flags.DEFINE_float('lr', 1e-3, 'Adam learning rate.')
_FROZEN_AT = flags.DEFINE_integer('frozen_at', 100, 'Steps of the frozen G.')
_D_STEPS = flags.DEFINE_integer('d_steps', 6000, 'D updates against it.')
_PACK = flags.DEFINE_integer('pack', 1, "PacGAN's m for the GAN of part 1.")
_EMA = flags.DEFINE_float('ema_decay', 0.0, 'Generator EMA decay of part 1.')
_SEED = flags.DEFINE_integer('seed', 0, 'Seed of both runs.')

QUANTILES = 100_000
BINS = 400


def _train(steps: int, pack: int = 1, ema_decay: float = 0.0):
  config = harness.experiment('toy_1d', f'data={_DATA.value},steps={steps},'
                              f'lr={_LR.value},pack={pack}')
  config.seed = _SEED.value
  config.train.ema_decay = ema_decay
  config.train.sample_every = config.train.checkpoint_every = max(steps, 1)
  with tempfile.TemporaryDirectory() as workdir:
    start = time.perf_counter()
    state = jax.block_until_ready(train.train_and_evaluate(config, workdir))
    seconds = time.perf_counter() - start
  gan = train.build_gan(config, (1,), toy.NUM_EXAMPLES)
  return config, gan, state, seconds


def _g_on_quantiles(gan, state, z_dist: str, params=None):
  """G's map on noise quantiles; `params` replaces G's (e.g. its EMA)."""
  z = toy_metrics.noise_quantiles(QUANTILES, z_dist)
  params = state.g_params if params is None else params
  g, _ = apply_model(gan.models.generator, params, state.g_stats,
                     z[:, None].astype(np.float32), train=False)
  return z, np.asarray(g)[:, 0]


def _d_logits(gan, state, x: np.ndarray) -> np.ndarray:
  logits, _ = apply_model(gan.models.discriminator, state.d_params,
                          state.d_stats, x.astype(np.float32)[:, None],
                          train=False)
  return np.asarray(logits)


def _densities(mixture, g_points, edges):
  centres = 0.5 * (edges[1:] + edges[:-1])
  return (mixture.pdf(centres), toy_metrics.density_on_bins(g_points, edges),
          np.diff(edges), centres)


def _edges(mixture, g_points):
  lo = min(mixture.means.min() - 5 * mixture.std, np.quantile(g_points, 1e-4))
  hi = max(mixture.means.max() + 5 * mixture.std, np.quantile(g_points, 1 - 1e-4))
  return np.linspace(lo, hi, BINS + 1)


def _fit(config, mixture, z, g) -> dict:
  """How close G's map is to the target and to the optimal transport."""
  p_data, p_g, widths, _ = _densities(mixture, g, _edges(mixture, g))
  return {'ks_distance': toy_metrics.ks_distance(g, mixture.cdf),
          **toy_metrics.transport_error(z, g, config.model.z_dist, mixture),
          'value_at_optimal_d': -np.log(4.0) + 2 * toy_metrics.jensen_shannon(
              p_data, p_g, widths)}


def transform_method(mixture) -> dict:
  config, gan, state, seconds = _train(_STEPS.value, _PACK.value, _EMA.value)
  z, g = _g_on_quantiles(gan, state, config.model.z_dist)
  result = {'train_seconds': round(seconds, 1), **_fit(config, mixture, z, g)}
  # A packed D reads m consecutive points as one pack, so the quantiles
  # (sorted) are shuffled into independent packs first; the packed game's
  # value at equilibrium is -log 4 too.
  m = config.model.pack
  real = toy.load_split(_DATA.value, 'test')[0][:, 0]
  fake = np.random.default_rng(0).permutation(g)
  result['value'] = toy_metrics.gan_value(
      _d_logits(gan, state, real[:len(real) // m * m]),
      _d_logits(gan, state, fake[:len(fake) // m * m]))
  result['minus_log_4'] = -np.log(4.0)
  if _EMA.value:
    _, g_ema = _g_on_quantiles(gan, state, config.model.z_dist, state.g_ema)
    result['ema'] = _fit(config, mixture, z, g_ema)
  return result


def optimal_discriminator(mixture) -> dict:
  config, gan, state, seconds = _train(_FROZEN_AT.value)
  _, g = _g_on_quantiles(gan, state, config.model.z_dist)
  # SGD at rate 0: G stays put, and the step can still log G's (zero) rate.
  frozen = gan._replace(g_tx=optax.inject_hyperparams(optax.sgd)(
      learning_rate=0.0))
  fresh = create_train_state(frozen.models, frozen.g_tx, frozen.d_tx, (1,),
                             _SEED.value + 1000)
  d_state = fresh.replace(g_params=state.g_params, g_ema=state.g_params,
                          g_stats=state.g_stats)
  step = jax.jit(train.make_dataset_step(frozen, config.train.batch_size,
                                         parallel.make_mesh()))
  dataset = train.put_dataset(toy.load_split(_DATA.value, 'train')[0],
                              parallel.make_mesh())
  start = time.perf_counter()
  for _ in range(_D_STEPS.value):
    d_state, _ = step(d_state, dataset)
  jax.block_until_ready(d_state)
  d_seconds = time.perf_counter() - start
  np.testing.assert_array_equal(jax.tree.leaves(d_state.g_params)[0],
                                jax.tree.leaves(state.g_params)[0])
  p_data, p_g, widths, centres = _densities(mixture, g, _edges(mixture, g))
  d_star = toy_metrics.optimal_discriminator(p_data, p_g)
  d_prob = 1 / (1 + np.exp(-_d_logits(gan, d_state, centres)))
  weight = 0.5 * (p_data + p_g) * widths
  return {'frozen_g_steps': _FROZEN_AT.value, 'd_steps': _D_STEPS.value,
          'train_seconds': round(seconds + d_seconds, 1),
          'ks_distance_of_frozen_g': toy_metrics.ks_distance(g, mixture.cdf),
          'd_star_weighted_range': [float(d_star[weight > 1e-4].min()),
                                    float(d_star[weight > 1e-4].max())],
          'mean_abs_d_minus_d_star': toy_metrics.discriminator_error(
              d_prob, p_data, p_g, widths),
          'mean_abs_half_minus_d_star': toy_metrics.discriminator_error(
              np.full_like(d_star, 0.5), p_data, p_g, widths)}


def main(argv):
  del argv
  logging.set_verbosity(logging.WARNING)
  mixture = toy.mixture(_DATA.value)
  result = {**harness.machine(), 'data': _DATA.value, 'steps': _STEPS.value,
            'lr': _LR.value, 'pack': _PACK.value, 'ema_decay': _EMA.value,
            'seed': _SEED.value,
            'transform_method': transform_method(mixture),
            'optimal_discriminator': optimal_discriminator(mixture)}
  print(json.dumps(result, indent=1))


if __name__ == '__main__':
  app.run(main)
