"""Tests of the TFD builder and experiment on a small synthetic TFD_48x48.mat.

The real file is licence-restricted, so a 60-image file with the same
variables is written with scipy; it is prepared once per module into a
temporary TFDS dir. Broken files are written into tmp_path.
"""

import functools
import pathlib
import shutil

import jax
import numpy as np
import optax
import pytest
from scipy import io as scipy_io
from scipy import special

from gan_jax import data
from gan_jax import evaluation
from gan_jax.data import tfd
from gan_jax.errors import ConfigError
from gan_jax.errors import DataError
from gan_jax.models import sample_noise
from gan_jax.train import build_gan
from gan_jax.train_state import create_train_state
from gan_jax.train_step import apply_model
import tiny

_N = 60
_UNLABELLED = 20  # Rows 0..19 are unlabelled in every fold.
_PARTS = {'train': 1, 'valid': 2, 'test': 3}


def _tfd_arrays(seed: int = 0) -> dict[str, np.ndarray]:
  """Images and folds like the real file's, with every fold code present.

  The labelled rows cycle through 0..3 with a per-fold offset, so each fold
  has different members and some rows are unlabelled in a few folds only.
  """
  rng = np.random.default_rng(seed)
  folds = np.zeros((_N, tfd.NUM_FOLDS), np.uint8)
  rows = np.arange(_N - _UNLABELLED)[:, None]
  folds[_UNLABELLED:] = (rows + np.arange(tfd.NUM_FOLDS)) % 4
  return {'images': rng.integers(0, 256, (_N, 48, 48), dtype=np.uint8),
          'folds': folds,
          'labs_ex': np.full((_N, 1), -1.0)}  # Ignored, as in the real file.


def _write(folder: pathlib.Path, **arrays) -> pathlib.Path:
  folder.mkdir(parents=True, exist_ok=True)
  path = folder / tfd.FILE_NAME
  scipy_io.savemat(path, arrays)
  return path


def _expected_rows(split: str, folds: np.ndarray) -> np.ndarray:
  if split == 'full':
    return np.arange(_N)
  if split == 'unlabelled':
    return np.arange(_UNLABELLED)
  fold, part = split.removeprefix('fold').split('_')
  return np.flatnonzero(folds[:, int(fold)] == _PARTS[part])


def _assert_one_line(error: pytest.ExceptionInfo, *names) -> None:
  message = str(error.value)
  assert '\n' not in message, message
  for name in names:
    assert str(name) in message, message


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch):
  monkeypatch.delenv('GAN_JAX_DATA_DIR', raising=False)


@pytest.fixture(scope='module')
def source(tmp_path_factory) -> tuple[pathlib.Path, dict[str, np.ndarray]]:
  arrays = _tfd_arrays()
  folder = tmp_path_factory.mktemp('src')
  _write(folder, **arrays)
  return folder, arrays


@pytest.fixture(scope='module')
def tfds_dir(source, tmp_path_factory) -> str:
  path = str(tmp_path_factory.mktemp('tfds'))
  data.prepared_builder('tfd', str(source[0]), path)
  return path


def test_split_names_are_documented(source, tfds_dir):
  builder = data.prepared_builder('tfd', str(source[0]), tfds_dir)
  assert tuple(builder.info.splits) == tfd.SPLITS
  assert len(tfd.SPLITS) == 2 + 3 * 5


@pytest.mark.parametrize('split', tfd.SPLITS)
def test_splits_have_the_right_images(source, tfds_dir, split):
  folder, arrays = source
  images, labels = data.load_split('tfd', split, str(folder), tfds_dir)
  rows = _expected_rows(split, arrays['folds'])
  assert len(rows) > 0
  assert images.shape == (len(rows), 48, 48, 1) and images.dtype == np.uint8
  np.testing.assert_array_equal(images[..., 0], arrays['images'][rows])
  assert labels.dtype == np.int32 and labels.shape == (len(rows),)
  assert not labels.any()


def test_folds_partition_the_file(source, tfds_dir):
  folds = source[1]['folds']
  for fold in range(tfd.NUM_FOLDS):
    sizes = [len(data.load_split('tfd', f'fold{fold}_{part}', None,
                                 tfds_dir)[0]) for part in _PARTS]
    assert sum(sizes) == np.count_nonzero(folds[:, fold])
  # Rows unlabelled in some folds only are not in `unlabelled`.
  assert np.count_nonzero((folds == 0).any(axis=1)) > _UNLABELLED


def test_examples_keep_their_fold_codes(source, tfds_dir):
  builder = data.prepared_builder('tfd', str(source[0]), tfds_dir)
  examples = builder.as_data_source('full').__getitems__(range(_N))
  np.testing.assert_array_equal(np.stack([e['folds'] for e in examples]),
                                source[1]['folds'])


def test_slices_follow_tfds_syntax(source, tfds_dir):
  images = source[1]['images']
  sliced, _ = data.load_split('tfd', 'unlabelled[5:8]', None, tfds_dir)
  np.testing.assert_array_equal(sliced[..., 0], images[5:8])
  both, _ = data.load_split('tfd', 'fold1_valid+fold1_test', None, tfds_dir)
  folds = source[1]['folds'][:, 1]
  np.testing.assert_array_equal(
      both[..., 0],
      np.concatenate([images[folds == 2], images[folds == 3]]))


def test_env_root_is_used(monkeypatch, tmp_path, source, tfds_dir):
  (tmp_path / 'root' / 'tfd').mkdir(parents=True)
  # A copy, not a new savemat (whose header has a timestamp): same source.
  shutil.copy(source[0] / tfd.FILE_NAME, tmp_path / 'root' / 'tfd')
  monkeypatch.setenv('GAN_JAX_DATA_DIR', str(tmp_path / 'root'))
  images, _ = data.load_split('tfd', 'fold2_test', None, tfds_dir)
  rows = _expected_rows('fold2_test', source[1]['folds'])
  np.testing.assert_array_equal(images[..., 0], source[1]['images'][rows])


def test_matlab_doubles_are_accepted(tmp_path, source):
  arrays = source[1]
  path = _write(tmp_path, images=arrays['images'].astype(np.float64),
                folds=arrays['folds'].astype(np.float64))
  images, folds = data.read_mat(path)
  np.testing.assert_array_equal(images[..., 0], arrays['images'])
  np.testing.assert_array_equal(folds, arrays['folds'])
  assert images.dtype == np.uint8 and folds.dtype == np.int32


@pytest.mark.parametrize('split', ['fold5_train', 'train', 'all',
                                   'fold0_test+all[:3]', 'full[:100]'])
def test_bad_split_names_the_valid_ones(source, tfds_dir, split):
  with pytest.raises(DataError, match='bad split') as error:
    data.load_split('tfd', split, None, tfds_dir)
  _assert_one_line(error, repr(split), 'fold0_train', "'unlabelled'", 'full')


def _missing_file(folder):
  (folder / tfd.FILE_NAME).unlink()
  return 'missing TFD file'


def _not_a_mat(folder):
  (folder / tfd.FILE_NAME).write_bytes(b'<html>Not Found</html>' * 10)
  return 'not a readable MATLAB .mat file'


def _truncated(folder):
  path = folder / tfd.FILE_NAME
  path.write_bytes(path.read_bytes()[:path.stat().st_size // 2])
  return 'not a readable MATLAB .mat file'


def _empty(folder):
  (folder / tfd.FILE_NAME).write_bytes(b'')
  return 'not a readable MATLAB .mat file'


def _hdf5(folder):
  # A MATLAB v7.3 header: text, then version 0x0200 and the 'IM' endian mark.
  header = b'MATLAB 7.3 MAT-file, HDF5 schema 1.00 .'.ljust(124) + b'\0\x02IM'
  (folder / tfd.FILE_NAME).write_bytes(
      header.ljust(512, b'\0') + b'\x89HDF\r\n\x1a\n' + bytes(512))
  return 'v7.3'


def _rewrite(name: str, reason: str, **changes):
  """A corruption: the file saved again with `changes` (None removes one)."""
  def corrupt(folder):
    arrays = {**_tfd_arrays(), **changes}
    _write(folder, **{k: v for k, v in arrays.items() if v is not None})
    return reason
  corrupt.__name__ = name
  return corrupt


_NEGATIVE = _tfd_arrays()['folds'].astype(np.int8)
_NEGATIVE[30, 2] = -1
_NO_VALID = _tfd_arrays()['folds']
_NO_VALID[_NO_VALID[:, 3] == 2, 3] = 1


@pytest.mark.parametrize('corrupt', [
    _missing_file, _not_a_mat, _truncated, _empty, _hdf5,
    _rewrite('no_images', "no variable 'images'", images=None),
    _rewrite('no_folds', "no variable 'folds'", folds=None),
    _rewrite('images_32x32', 'images is 60 x 32 x 32, expected N x 48 x 48',
             images=np.zeros((_N, 32, 32), np.uint8)),
    _rewrite('images_flat', 'images is 60 x 2304, expected N x 48 x 48',
             images=np.zeros((_N, 2304), np.uint8)),
    _rewrite('folds_4_columns', 'folds is 60 x 4, expected N x 5',
             folds=np.zeros((_N, 4), np.uint8)),
    _rewrite('counts_disagree', 'images has 60 images but folds has 59 rows',
             folds=_tfd_arrays()['folds'][:-1]),
    _rewrite('fold_code_4', 'folds holds 4',
             folds=_tfd_arrays()['folds'] * 2),
    _rewrite('fold_code_negative', 'folds holds -1', folds=_NEGATIVE),
    _rewrite('fractional_pixels', r'not integers in 0\.\.255',
             images=_tfd_arrays()['images'] / 2.0),
    _rewrite('empty_split', 'leaves split fold3_valid empty', folds=_NO_VALID),
    _rewrite('text_images', 'images is not a numeric array',
             images=np.array(['abc'] * _N)),
], ids=lambda f: f.__name__.lstrip('_'))
def test_broken_files_give_one_line_naming_the_file(tmp_path, corrupt):
  folder = tmp_path / 'src'
  _write(folder, **_tfd_arrays())
  reason = corrupt(folder)
  with pytest.raises(DataError, match=reason) as error:
    data.load_split('tfd', 'fold0_train', str(folder), str(tmp_path / 'tfds'))
  _assert_one_line(error, folder / tfd.FILE_NAME)
  assert not (tmp_path / 'tfds' / 'tfd_mat').exists()  # Nothing prepared.


def test_data_dir_pointing_at_the_file_says_so(tmp_path, source):
  path = source[0] / tfd.FILE_NAME
  with pytest.raises(DataError, match='is a file') as error:
    data.load_split('tfd', 'full', str(path), str(tmp_path))
  _assert_one_line(error, path, tfd.FILE_NAME)


def test_no_local_tfd_says_how_to_get_it(monkeypatch, tmp_path):
  (tmp_path / 'root').mkdir()
  monkeypatch.setenv('GAN_JAX_DATA_DIR', str(tmp_path / 'root'))
  with pytest.raises(DataError, match='no local TFD') as error:
    data.load_split('tfd', 'full', None, str(tmp_path / 'tfds'))
  _assert_one_line(error, '--config.data.dir=', 'GAN_JAX_DATA_DIR=',
                   tfd.FILE_NAME, 'licence-restricted')
  instructions = tfd.TfdMat.MANUAL_DOWNLOAD_INSTRUCTIONS
  assert '--config.data.dir=' in instructions
  assert f'$GAN_JAX_DATA_DIR/tfd/{tfd.FILE_NAME}' in instructions


def test_tfd_is_listed_but_not_mnist_like():
  assert 'tfd' in data.ALL_DATASETS and 'tfd' not in data.DATASETS
  with pytest.raises(DataError, match='tfd'):
    data.load_split('cifar10', 'train')


def test_gan_tfd_config_is_the_papers():
  config = tiny.load_experiment('gan_tfd.py')
  assert config.data.name == 'tfd' and config.data.split == 'unlabelled'
  assert config.model.name == 'maxout_mlp'
  assert (config.model.d_units, config.model.d_pieces,
          config.model.d_layers) == (1200, 5, 2)
  assert config.optim.d.learning_rate == config.optim.g.learning_rate == 0.05
  assert config.train.batch_size == 100
  assert config.train.num_steps == 72 * 980
  assert tiny.load_experiment('gan_tfd.py', 'fold=3').data.split == \
      'fold3_train'
  for arg in ('fold=5', 'fold=-2', 'split=train'):
    with pytest.raises(ConfigError):
      tiny.load_experiment('gan_tfd.py', arg)


def test_gan_tfd_builds_for_48x48():
  config = tiny.load_experiment('gan_tfd.py')
  shape = (48, 48, 1)
  gan = build_gan(config, shape, 98_058)
  state = jax.eval_shape(functools.partial(
      create_train_state, gan.models, gan.g_tx, gan.d_tx, shape, 0))
  def kernels(params):
    return sorted(p.shape for p in jax.tree.leaves(params) if p.ndim == 2)
  assert kernels(state.g_params) == [(100, 8000), (8000, 48 * 48),
                                     (8000, 8000)]
  assert kernels(state.d_params) == [(1200, 1), (1200, 1200 * 5),
                                     (48 * 48, 1200 * 5)]


def test_gan_tfd_generates_and_scores_48x48():
  config = tiny.apply(tiny.load_experiment('gan_tfd.py'),
                      tiny.overrides_for('maxout_mlp'))
  models = build_gan(config, (48, 48, 1), 32).models

  @jax.jit
  def generate_and_score():
    state = create_train_state(models, optax.identity(), optax.identity(),
                               (48, 48, 1), 0)
    z = sample_noise(models, jax.random.PRNGKey(1), 3)
    fake, _ = apply_model(models.generator, state.g_params, state.g_stats, z,
                          train=False)
    return fake, apply_model(models.discriminator, state.d_params,
                             state.d_stats, fake, train=False)[0]

  fake, logits = generate_and_score()
  assert fake.shape == (3, 48, 48, 1) and logits.shape == (3,)
  assert 0 <= fake.min() and fake.max() <= 1


def test_parzen_is_scored_fold_by_fold(source, tfds_dir):
  """The paper's TFD protocol, against a direct NumPy computation."""
  folder, arrays = source
  config = tiny.load_experiment('gan_tfd.py')
  config.data.dir, config.data.tfds_dir = str(folder), tfds_dir
  fake = np.random.default_rng(1).integers(0, 256, (30, 48, 48, 1), np.uint8)
  record = evaluation.evaluate_samples(fake, config, 7, ['parzen'])

  centres = fake.reshape(30, -1) / 255.0
  def log_p(x, sigma):  # [N] log-density of x under the kernel density
    sq = ((x[:, None, :] - centres[None]) ** 2).sum(-1)
    return (special.logsumexp(-sq / (2 * sigma ** 2), axis=1) - np.log(30)
            - x.shape[1] / 2 * np.log(2 * np.pi * sigma ** 2))
  means = []
  for fold in range(tfd.NUM_FOLDS):
    rows = lambda code: arrays['images'][arrays['folds'][:, fold] == code]
    valid = rows(2).reshape(-1, 48 * 48) / 255.0
    test = rows(3).reshape(-1, 48 * 48) / 255.0
    sigma = max(np.logspace(-1, 0, 10), key=lambda s: log_p(valid, s).mean())
    assert record[f'parzen_sigma_fold{fold}'] == pytest.approx(sigma)
    means.append(log_p(test, sigma).mean())
  assert record['parzen_ll'] == pytest.approx(np.mean(means), rel=1e-4)
  assert record['parzen_se'] == pytest.approx(
      np.std(means, ddof=1) / np.sqrt(5), rel=1e-3)


def test_classifier_metrics_on_tfd_are_refused(source, tfds_dir):
  config = tiny.load_experiment('gan_tfd.py')
  fake = np.zeros((30, 48, 48, 1), np.uint8)
  with pytest.raises(ConfigError) as error:
    evaluation.evaluate_samples(fake, config, 0, ['fid', 'parzen'])
  _assert_one_line(error, 'parzen', 'fid')
