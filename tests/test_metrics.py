"""Each metric against an independent NumPy/SciPy computation on small sets,
and the suite's user-facing errors."""
import jax
import numpy as np
import pytest
import scipy.linalg
import scipy.special

from gan_jax import data, metrics
from gan_jax.errors import ConfigError, DataError
from gan_jax.metrics import density_coverage, fid, inception_score, kid
from gan_jax.metrics import parzen, precision_recall


def _features(seed: int, n: int, d: int, shift: float = 0.0) -> np.ndarray:
  """Correlated features with a non-zero mean, like penultimate activations."""
  rng = np.random.default_rng(seed)
  mixing = rng.normal(size=(d, d)) / np.sqrt(d)
  return (rng.normal(size=(n, d)) @ mixing + shift + 1.0).astype(np.float32)


def test_fid_matches_scipy_sqrtm():
  a, b = _features(0, 300, 16), _features(1, 200, 16, shift=0.3)
  mu_a, mu_b = a.mean(0), b.mean(0)
  cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
  expected = (np.sum((mu_a - mu_b) ** 2) + np.trace(cov_a + cov_b)
              - 2 * np.trace(scipy.linalg.sqrtm(cov_a @ cov_b).real))
  assert fid.fid(a, b) == pytest.approx(expected, rel=1e-4)


def test_fid_of_a_set_with_itself_is_zero():
  a = _features(2, 500, 32)
  assert abs(fid.fid(a, a)) < 1e-4


def _mmd2_loop(x: np.ndarray, y: np.ndarray) -> float:
  """The unbiased estimator, one kernel evaluation at a time."""
  x, y = x.astype(np.float64), y.astype(np.float64)
  k = lambda u, v: (u @ v / len(u) + 1) ** 3
  m, n = len(x), len(y)
  xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j)
  yy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if i != j)
  xy = sum(k(x[i], y[j]) for i in range(m) for j in range(n))
  return xx / (m * (m - 1)) + yy / (n * (n - 1)) - 2 * xy / (m * n)


def test_mmd2_matches_a_direct_loop():
  x, y = _features(3, 30, 6), _features(4, 25, 6, shift=0.2)
  assert float(kid.mmd2_unbiased(x, y)) == pytest.approx(
      _mmd2_loop(x, y), rel=1e-4, abs=1e-6)


def test_kid_averages_mmd2_over_random_subsets():
  x, y = _features(5, 40, 6), _features(6, 35, 6, shift=0.2)
  key = jax.random.key(7)
  mean, std = kid.kid(x, y, key, num_subsets=4, subset_size=20)
  values = []
  for subset_key in jax.random.split(key, 4):
    key_x, key_y = jax.random.split(subset_key)
    values.append(_mmd2_loop(x[kid.subset_indices(key_x, 40, 20)],
                             y[kid.subset_indices(key_y, 35, 20)]))
  assert float(mean) == pytest.approx(np.mean(values), rel=1e-4, abs=1e-6)
  assert float(std) == pytest.approx(np.std(values), rel=1e-3, abs=1e-6)


def test_kid_with_whole_sets_is_their_mmd2():
  x, y = _features(8, 30, 6), _features(9, 30, 6, shift=0.2)
  mean, std = kid.kid(x, y, jax.random.key(0), num_subsets=3,
                          subset_size=1000)
  assert float(mean) == pytest.approx(_mmd2_loop(x, y), rel=1e-4, abs=1e-6)
  assert float(std) < 1e-5


def _inception_score_numpy(logits: np.ndarray, splits: int):
  """The original formula (Salimans et al.'s code) on softmax outputs."""
  p = scipy.special.softmax(logits.astype(np.float64), axis=1)
  n = len(p)
  scores = []
  for i in range(splits):
    part = p[i * n // splits:(i + 1) * n // splits]
    py = part.mean(0, keepdims=True)
    scores.append(np.exp(np.mean(np.sum(part * (np.log(part) - np.log(py)),
                                        1))))
  return np.mean(scores), np.std(scores)


def test_inception_score_matches_the_formula():
  logits = np.random.default_rng(10).normal(size=(103, 10)) * 3
  mean, std = inception_score.inception_score(logits.astype(np.float32),
                                              splits=10)
  expected_mean, expected_std = _inception_score_numpy(logits, 10)
  assert float(mean) == pytest.approx(expected_mean, rel=1e-4)
  assert float(std) == pytest.approx(expected_std, rel=1e-3, abs=1e-5)


def test_inception_score_of_confident_balanced_predictions_is_the_classes():
  logits = 30.0 * np.eye(10, dtype=np.float32)[np.arange(1000) % 10]
  mean, _ = inception_score.inception_score(logits)
  assert float(mean) == pytest.approx(10.0, rel=1e-4)


def _prdc_numpy(real: np.ndarray, fake: np.ndarray, k_pr: int, k_dc: int):
  """Brute force from the definitions, with full distance matrices."""
  real, fake = real.astype(np.float64), fake.astype(np.float64)
  dist = lambda a, b: np.linalg.norm(a[:, None] - b[None], axis=-1)
  kth = lambda a, k: np.sort(dist(a, a), axis=1)[:, k]  # [:, 0] is a itself.
  real_fake = dist(real, fake)
  precision = np.mean([any(real_fake[i, j] <= kth(real, k_pr)[i]
                           for i in range(len(real)))
                       for j in range(len(fake))])
  recall = np.mean([any(real_fake[i, j] <= kth(fake, k_pr)[j]
                        for j in range(len(fake)))
                    for i in range(len(real))])
  inside = real_fake <= kth(real, k_dc)[:, None]
  density = inside.sum(0).mean() / k_dc
  coverage = np.mean(real_fake.min(1) <= kth(real, k_dc))
  return precision, recall, density, coverage


@pytest.mark.parametrize('batch_size', [500, 16])  # 16: blocks and remainder.
def test_precision_recall_density_coverage_match_brute_force(batch_size):
  real, fake = _features(11, 70, 5), _features(12, 50, 5, shift=0.5)
  expected = _prdc_numpy(real, fake, 3, 5)
  got = (*precision_recall.precision_recall(real, fake, 3, batch_size),
         *density_coverage.density_coverage(real, fake, 5, batch_size))
  np.testing.assert_allclose(np.array(got, np.float64), expected, atol=1e-6)
  assert 0.0 < expected[0] < 1.0 and 0.0 < expected[1] < 1.0  # Not trivial.


def test_identical_sets_are_fully_precise_recalled_and_covered():
  real = _features(13, 200, 8)
  precision, recall = precision_recall.precision_recall(real, real)
  _, coverage = density_coverage.density_coverage(real, real)
  assert (float(precision), float(recall), float(coverage)) == (1.0, 1.0, 1.0)


def _parzen_numpy(centres, validation, test, sigmas):
  def ll(x, sigma):
    sq = ((x[:, None, :] - centres[None]) ** 2).sum(-1)
    return (scipy.special.logsumexp(-sq / (2 * sigma ** 2), axis=1)
            - np.log(len(centres))
            - centres.shape[1] / 2 * np.log(2 * np.pi * sigma ** 2))
  valid = [ll(validation, s).mean() for s in sigmas]
  sigma = sigmas[int(np.argmax(valid))]
  test_ll = ll(test, sigma)
  return test_ll.mean(), test_ll.std() / np.sqrt(len(test)), sigma, valid


def test_parzen_matches_a_direct_computation():
  rng = np.random.default_rng(14)
  # Clustered points in [0, 1], so the best sigma is inside the grid.
  modes = rng.uniform(size=(4, 12))
  draw = lambda n: np.clip(modes[rng.integers(0, 4, n)]
                           + 0.15 * rng.normal(size=(n, 12)), 0, 1)
  centres, validation, test = draw(60), draw(25), draw(30)
  mean, se, sigma, valid = _parzen_numpy(centres, validation, test,
                                         np.array(parzen.SIGMAS))
  assert 0 < np.argmax(valid) < len(valid) - 1
  got = parzen.parzen(*(a.astype(np.float32)
                         for a in (centres, validation, test)),
                       batch_size=8)
  assert float(got[2]) == pytest.approx(sigma, rel=1e-6)
  assert float(got[0]) == pytest.approx(mean, rel=1e-5, abs=1e-3)
  assert float(got[1]) == pytest.approx(se, rel=1e-3)


_FAKE = np.zeros((10, 28, 28, 1), np.uint8)


def test_unknown_metric_lists_the_valid_ones():
  with pytest.raises(ConfigError, match='unknown metric .bogus.; choose one '
                     'of: class_acc, dc, fid, is, kid, parzen, pr'):
    metrics.evaluate_images(_FAKE, 'mnist', metrics=('fid', 'bogus'))


@pytest.mark.parametrize('fake, dataset, message', [
    (_FAKE.astype(np.float32), 'mnist', 'must be uint8'),
    (_FAKE[..., 0], 'mnist', r'shape \[N, 28, 28, 1\]'),
    (_FAKE[:3], 'mnist', 'at least 10'),
    (_FAKE, 'cifar10', 'choose one of mnist, fashion_mnist'),
])
def test_bad_inputs_are_one_line_data_errors(fake, dataset, message):
  with pytest.raises(DataError, match=message):
    metrics.evaluate_images(fake, dataset)


def test_suite_on_real_images():
  train, _ = data.load_split('mnist', 'train[:300]')
  test, _ = data.load_split('mnist', 'test[:400]')
  valid, _ = data.load_split('mnist', 'train[50000:50100]')
  scores = metrics.evaluate_images(train, 'mnist', reference=test,
                                   validation=valid)
  assert set(scores) == {
      'fid', 'kid_mean', 'kid_std', 'is_mean', 'is_std', 'precision',
      'recall', 'density', 'coverage', 'parzen_ll', 'parzen_se',
      'parzen_sigma'}
  assert all(isinstance(v, float) and np.isfinite(v) for v in scores.values())
  assert scores['is_mean'] > 8.0 and scores['precision'] > 0.5
  # Noise scores far worse than real digits on every metric.
  noise = np.random.default_rng(0).integers(0, 256, train.shape, np.uint8)
  bad = metrics.evaluate_images(noise, 'mnist', reference=test,
                                validation=valid)
  assert bad['fid'] > 10 * scores['fid']
  assert bad['kid_mean'] > 10 * max(scores['kid_mean'], 0.01)
  assert bad['parzen_ll'] < scores['parzen_ll'] and bad['coverage'] < 0.1
