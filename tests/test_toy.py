"""Toy mixtures and their metrics, each against a hand-computed case."""
import jax
import numpy as np
import pytest
from scipy import stats

from gan_jax import config_checks, data, images, train
from gan_jax.data import toy
from gan_jax.data.sampler import sample_real
from gan_jax.errors import ConfigError, DataError
from gan_jax.metrics import toy as toy_metrics
from tiny import load_experiment, tiny_config


def test_ring_and_grid_are_pacgans_mixtures():
  ring, grid = toy.mixture('ring'), toy.mixture('grid')
  np.testing.assert_allclose(np.linalg.norm(ring.means, axis=1), 1.0)
  np.testing.assert_allclose(ring.means[2], [0.0, 1.0], atol=1e-12)
  assert ring.std == 0.01 and len(ring.means) == 8
  assert grid.std == 0.05 and len(grid.means) == 25
  assert sorted(set(grid.means[:, 0])) == [-4, -2, 0, 2, 4]


def test_splits_are_fixed_seeded_draws_from_the_mixture():
  points, labels = data.load_split('grid', 'train')
  again, _ = data.load_split('grid', 'train')
  test, _ = data.load_split('grid', 'test')
  assert points.dtype == np.float32 and points.shape == (toy.NUM_EXAMPLES, 2)
  np.testing.assert_array_equal(points, again)
  assert not np.array_equal(points, test)
  centred = (points - toy.mixture('grid').means[labels]) / 0.05
  assert abs(centred.std() - 1) < 0.01 and abs(centred.mean()) < 0.01
  assert np.bincount(labels).min() > 0.9 * toy.NUM_EXAMPLES / 25
  with pytest.raises(DataError, match='splits train, test'):
    data.load_split('ring', 'validation')
  with pytest.raises(DataError, match='ring, grid'):
    data.load_split('rings', 'train')


def test_float_data_passes_through_the_sampler_unscaled():
  points = data.load_split('ring', 'test')[0][:40]
  batch = sample_real(points, jax.random.key(0), 0, 2, 10, None)
  assert batch.shape == (2, 10, 2) and batch.dtype == np.float32
  # Every drawn row is a row of the dataset, unchanged.
  rows = {tuple(r) for r in points}
  assert all(tuple(r) in rows for r in np.asarray(batch).reshape(-1, 2))


def test_mixture_cdf_and_its_inverse():
  single = toy.mixture('gauss1d')
  q = np.array([0.01, 0.3, 0.5, 0.9])
  np.testing.assert_allclose(single.inverse_cdf(q),
                             stats.norm.ppf(q, 4.0, 0.5), atol=1e-8)
  two = toy.mixture('mixture1d')
  np.testing.assert_allclose(two.cdf(np.array([0.0])), [0.5])
  np.testing.assert_allclose(two.cdf(two.inverse_cdf(q)), q, atol=1e-9)
  np.testing.assert_allclose(
      two.pdf(np.array([[2.0]])),
      0.5 * (stats.norm.pdf(2, 2, .5) + stats.norm.pdf(2, -2, .5)))


def test_mode_coverage_by_hand():
  ring = toy.mixture('ring')
  m = ring.means
  points = np.array([m[0], m[0] + [0.02, 0], m[0] - [0, 0.029],  # mode 0 x3
                     m[3] + [0.0299, 0],                         # mode 3
                     m[5] + [0.031, 0],        # 3.1 std off: not HQ
                     [0.0, 0.0]])
  result = toy_metrics.mode_coverage(points, ring)
  assert result['modes'] == 2
  assert result['hq_percent'] == pytest.approx(100 * 4 / 6)
  # p = (3/4, 1/4) over K = 8 modes: sum p log(p K).
  assert result['reverse_kl'] == pytest.approx(
      0.75 * np.log(0.75 * 8) + 0.25 * np.log(0.25 * 8))
  assert toy_metrics.mode_coverage(points, ring, min_count=2)['modes'] == 1
  even = np.repeat(m, 3, axis=0)
  assert toy_metrics.mode_coverage(even, ring) == {
      'modes': 8, 'hq_percent': 100.0, 'reverse_kl': 0.0}
  assert toy_metrics.reverse_kl(np.zeros(8)) == float('inf')


def test_ks_distance_matches_scipy_and_a_hand_case():
  assert toy_metrics.ks_distance(np.array([0.0]), stats.norm.cdf) == 0.5
  x = np.random.default_rng(0).normal(0.3, 1.0, 500)
  assert toy_metrics.ks_distance(x, stats.norm.cdf) == pytest.approx(
      stats.kstest(x, 'norm').statistic)


@pytest.mark.parametrize('z_dist', ['uniform', 'normal'])
def test_transport_error_is_zero_for_either_monotone_map(z_dist):
  mix = toy.mixture('mixture1d')
  z = toy_metrics.noise_quantiles(101, z_dist)
  u = (np.arange(101) + 0.5) / 101
  up = toy_metrics.transport_error(z, mix.inverse_cdf(u), z_dist, mix)
  assert up['map_rms'] == pytest.approx(0, abs=1e-6)
  assert up['map_rms_decreasing'] > 1
  down = toy_metrics.transport_error(z, mix.inverse_cdf(1 - u), z_dist, mix)
  assert down['map_rms'] == pytest.approx(0, abs=1e-6)
  shifted = toy_metrics.transport_error(z, mix.inverse_cdf(u) + 0.25, z_dist,
                                        mix)
  assert shifted['map_rms_increasing'] == pytest.approx(0.25, abs=1e-6)


def test_optimal_discriminator_value_and_divergence():
  widths = np.full(4, 0.5)
  p = np.array([1.0, 1.0, 0.0, 0.0])
  q = np.array([0.0, 1.0, 1.0, 0.0])
  np.testing.assert_allclose(toy_metrics.optimal_discriminator(p, q),
                             [1.0, 0.5, 0.0, 0.5])
  # Half the mass of each is shared: JSD = 1/2 log 2.
  assert toy_metrics.jensen_shannon(p, q, widths) == pytest.approx(
      0.5 * np.log(2))
  assert toy_metrics.discriminator_error(np.array([1, .5, 0, .5]), p, q,
                                         widths) == 0
  # D = 1/2 everywhere errs by 1/2 on the half of the mass that is not shared.
  assert toy_metrics.discriminator_error(np.full(4, 0.5), p, q,
                                         widths) == pytest.approx(0.25)
  assert toy_metrics.gan_value(np.zeros(3), np.zeros(5)) == pytest.approx(
      -np.log(4))
  real, fake = np.array([2.0]), np.array([-1.0])
  assert toy_metrics.gan_value(real, fake) == pytest.approx(
      np.log(1 / (1 + np.exp(-2))) + np.log(1 - 1 / (1 + np.exp(1))))


def test_density_on_bins_integrates_to_the_mass_inside():
  edges = np.array([0.0, 1.0, 3.0])
  density = toy_metrics.density_on_bins(np.array([0.5, 0.5, 2.0, 9.0]), edges)
  np.testing.assert_allclose(density, [0.5, 0.125])


def test_point_sheets():
  sheet = images.sheet(toy.mixture('ring').means)
  assert sheet.shape == (256, 256, 1) and sheet.dtype == np.uint8
  assert (sheet < 255).sum() == 8            # one dark pixel per point
  bars = images.sheet(np.array([[0.0], [0.0], [1.0]]))
  assert bars.shape == (256, 256, 1)
  assert bars[:, :, 0].min(axis=0).tolist().count(0) == 2  # two bars


def test_a_packed_ring_gan_trains_through_the_loop(tmp_path):
  config = tiny_config('mlp', model__pack=2, train__num_steps=2,
                       train__log_every=1, train__sample_every=2,
                       train__checkpoint_every=2)
  state = train.train_and_evaluate(config, str(tmp_path))
  assert int(state.step) == 2
  assert (tmp_path / 'samples' / 'step_0000002.png').exists()
  assert load_experiment('grid.py', 'pack=4').train.batch_size == 400
  assert load_experiment('toy_1d.py', 'data=mixture1d').model.z_dim == 1


def test_toy_experiments_change_the_paper_recipe_only_when_asked():
  paper = load_experiment('ring.py', 'steps=300')
  assert paper.optim.g.decay_steps == paper.optim.d.decay_steps == 0
  short = load_experiment('grid.py', 'steps=300,lr=1e-3,anneal=True,'
                          'g_width=128,g_depth=5,d_units=64,d_steps=5,r1=0.1')
  assert short.train.num_steps == 300
  assert (paper.loss.penalty, short.loss.penalty) == ('none', 'r1')
  assert short.loss.penalty_weight == 0.1
  assert (paper.train.d_steps, short.train.d_steps) == (1, 5)
  assert short.model.g_hidden == (128,) * 5 and short.model.d_units == 64
  assert paper.model.g_hidden == (400,) * 4 and paper.model.d_units == 200
  for opt in (short.optim.g, short.optim.d):
    assert (opt.learning_rate, opt.decay_steps, opt.decay_to) == (1e-3, 300, 0)


def test_image_metrics_are_refused_for_toy_data():
  with pytest.raises(ConfigError, match='eval.every=0'):
    config_checks.check_config(tiny_config('mlp', eval__every=10))
