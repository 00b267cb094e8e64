"""Tests of gan_jax.data on the real MNIST and Fashion-MNIST files.

Both datasets are prepared once per session into a temporary TFDS dir; broken
inputs are small synthetic IDX files written into tmp_path.
"""

import gzip
import hashlib
import os
import pathlib
import time

import numpy as np
import pytest

from gan_jax import data
from gan_jax.data import idx
from gan_jax.errors import DataError

_SHARED = pathlib.Path(__file__).resolve().parents[2] / 'shared' / 'data'
_ENV_ROOT = os.environ.get('GAN_JAX_DATA_DIR')  # Read before tests unset it.
_COUNTS = {'train': 60_000, 'test': 10_000}
_MD5 = {  # Of the uncompressed files, from ../shared/data/README.md.
    'mnist/train-images-idx3-ubyte': '6bbc9ace898e44ae57da46a324031adb',
    'mnist/train-labels-idx1-ubyte': 'a25bea736e30d166cdddb491f175f624',
    'mnist/t10k-images-idx3-ubyte': '2646ac647ad5339dbf082846283269ea',
    'mnist/t10k-labels-idx1-ubyte': '27ae3e4e09519cfbb04c329615203637',
    'fashion_mnist/train-images-idx3-ubyte': 'f4a8712d7a061bf5bd6d2ca38dc4d50a',
    'fashion_mnist/train-labels-idx1-ubyte': '9018921c3c673c538a1fc5bad174d6f9',
    'fashion_mnist/t10k-images-idx3-ubyte': '8181f5470baa50b63fa0f6fddb340f0a',
    'fashion_mnist/t10k-labels-idx1-ubyte': '15d484375f8d13e6eb1aabb0c3f46965',
}
_TRAIN_IMAGES = idx.FILES['train'][0]
_TRAIN_LABELS = idx.FILES['train'][1]


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch):
  monkeypatch.delenv('GAN_JAX_DATA_DIR', raising=False)


@pytest.fixture(scope='session')
def root() -> pathlib.Path:
  for candidate in (_SHARED, _ENV_ROOT):
    if candidate and all((pathlib.Path(candidate) / name).is_dir()
                         for name in data.DATASETS):
      return pathlib.Path(candidate)
  pytest.fail(f'real data missing: neither {_SHARED} nor $GAN_JAX_DATA_DIR '
              f'({_ENV_ROOT}) has subfolders {", ".join(data.DATASETS)} with '
              'the four IDX files each (see shared/data/README.md)')


@pytest.fixture(scope='session')
def tfds_dir(root, tmp_path_factory) -> str:
  """A TFDS dir where both real datasets are prepared, once per session."""
  path = str(tmp_path_factory.mktemp('tfds'))
  for name in data.DATASETS:
    data.prepared_builder(name, str(root / name), path)
  return path


@pytest.fixture(scope='session')
def splits(root, tfds_dir) -> dict:
  return {(name, split): data.load_split(name, split, str(root / name),
                                         tfds_dir)
          for name in data.DATASETS for split in _COUNTS}


def _write_idx(path, array, dims=None, magic=None, extra=b''):
  """Writes an IDX file; `dims`, `magic` and `extra` forge a broken one."""
  header = (magic or 0x800 | array.ndim).to_bytes(4, 'big')
  header += b''.join(d.to_bytes(4, 'big') for d in dims or array.shape)
  with gzip.open(path, 'wb') as f:
    f.write(header + array.astype(np.uint8).tobytes() + extra)


def _tiny_folder(folder: pathlib.Path, seed: int = 0) -> pathlib.Path:
  """A valid MNIST-like folder with 20 train and 10 test images."""
  folder.mkdir(parents=True, exist_ok=True)
  rng = np.random.default_rng(seed)
  for split, n in (('train', 20), ('test', 10)):
    images_name, labels_name = idx.FILES[split]
    _write_idx(folder / images_name, rng.integers(0, 256, (n, 28, 28)))
    _write_idx(folder / labels_name, np.arange(n) % 10)
  return folder


def _assert_one_line(error: pytest.ExceptionInfo, *names) -> None:
  message = str(error.value)
  assert '\n' not in message, message
  for name in names:
    assert str(name) in message, message


@pytest.mark.parametrize('name', list(data.DATASETS))
@pytest.mark.parametrize('split', list(_COUNTS))
def test_shapes_dtypes_counts(splits, name, split):
  images, labels = splits[name, split]
  n = _COUNTS[split]
  assert images.shape == (n, 28, 28, 1) and images.dtype == np.uint8
  assert labels.shape == (n,) and labels.dtype == np.int32
  assert images.max() == 255 and images.flags.writeable


@pytest.mark.parametrize('name', list(data.DATASETS))
@pytest.mark.parametrize('split', list(_COUNTS))
def test_every_class_is_common(splits, name, split):
  counts = np.bincount(splits[name, split][1], minlength=11)
  assert counts[10] == 0
  assert (counts[:10] > _COUNTS[split] // 20).all(), counts


@pytest.mark.parametrize('name', list(data.DATASETS))
def test_keeps_idx_file_order(root, splits, name):
  for split, (images, labels) in idx.read_idx_folder(root / name).items():
    np.testing.assert_array_equal(splits[name, split][0], images)
    np.testing.assert_array_equal(splits[name, split][1], labels)


def test_slices_follow_tfds_syntax(root, tfds_dir, splits):
  images, labels = splits['mnist', 'train']
  for split, part in (('train[:50000]', slice(50_000)),
                      ('train[50000:51000]', slice(50_000, 51_000))):
    sliced = data.load_split('mnist', split, str(root / 'mnist'), tfds_dir)
    np.testing.assert_array_equal(sliced[0], images[part])
    np.testing.assert_array_equal(sliced[1], labels[part])
  assert len(sliced[1]) == 1_000


def test_fast_reader_agrees_with_tfds_decoder(root, tfds_dir, splits):
  builder = data.prepared_builder('fashion_mnist', str(root / 'fashion_mnist'),
                                  tfds_dir)
  examples = builder.as_data_source('test[:300]').__getitems__(range(300))
  images, labels = splits['fashion_mnist', 'test']
  np.testing.assert_array_equal(
      np.stack([e['image'] for e in examples]), images[:300])
  np.testing.assert_array_equal([e['label'] for e in examples], labels[:300])


@pytest.mark.parametrize('file', sorted(_MD5))
def test_md5_matches_readme(root, file):
  with gzip.open(root / f'{file}.gz', 'rb') as f:
    assert hashlib.md5(f.read()).hexdigest() == _MD5[file]


def test_prepared_copy_needs_no_idx_files(tfds_dir, splits):
  images, labels = data.load_split('mnist', 'test', None, tfds_dir)
  np.testing.assert_array_equal(images, splits['mnist', 'test'][0])
  np.testing.assert_array_equal(labels, splits['mnist', 'test'][1])


def test_env_root_is_used(monkeypatch, root, tfds_dir, splits):
  monkeypatch.setenv('GAN_JAX_DATA_DIR', str(root))
  assert data.resolve_idx_dir('fashion_mnist', None) == root / 'fashion_mnist'
  _, labels = data.load_split('fashion_mnist', 'test[:100]', None, tfds_dir)
  np.testing.assert_array_equal(labels,
                                splits['fashion_mnist', 'test'][1][:100])


def test_explicit_dir_wins_over_env_root(monkeypatch, tmp_path, root):
  monkeypatch.setenv('GAN_JAX_DATA_DIR', str(root))
  assert data.resolve_idx_dir('mnist', str(tmp_path)) == tmp_path


def test_different_sources_never_share_prepared_data(tmp_path):
  tfds_dir = str(tmp_path / 'tfds')
  first = _tiny_folder(tmp_path / 'a')
  second = _tiny_folder(tmp_path / 'b')
  _write_idx(second / _TRAIN_LABELS, (np.arange(20) + 1) % 10)
  _, first_labels = data.load_split('mnist', 'train', str(first), tfds_dir)
  _, second_labels = data.load_split('mnist', 'train', str(second), tfds_dir)
  np.testing.assert_array_equal(second_labels, (first_labels + 1) % 10)
  assert len(list((tmp_path / 'tfds' / 'mnist_idx').glob('src_*/1.0.0'))) == 2
  # Without a source to say which, picking one would be a silent guess.
  with pytest.raises(DataError, match='2 different sources') as error:
    data.load_split('mnist', 'train', None, tfds_dir)
  _assert_one_line(error, tfds_dir)


def _bad_magic(folder):
  _write_idx(folder / _TRAIN_IMAGES, np.zeros((20, 28, 28)), magic=0x1234)
  return folder / _TRAIN_IMAGES, 'bad magic number 0x1234'


def _truncated_gzip(folder):
  path = folder / _TRAIN_IMAGES
  path.write_bytes(path.read_bytes()[:100])
  return path, 'unreadable gzip'


def _not_gzip(folder):
  (folder / _TRAIN_LABELS).write_bytes(b'<html>Not Found</html>' * 10)
  return folder / _TRAIN_LABELS, 'unreadable gzip'


def _header_overstates_count(folder):
  _write_idx(folder / _TRAIN_IMAGES, np.zeros((20, 28, 28)), dims=(21, 28, 28))
  return folder / _TRAIN_IMAGES, 'truncated'


def _extra_payload(folder):
  _write_idx(folder / _TRAIN_LABELS, np.zeros(20), extra=b'\0')
  return folder / _TRAIN_LABELS, 'extra'


def _missing_file(folder):
  (folder / _TRAIN_LABELS).unlink()
  return folder / _TRAIN_LABELS, 'missing IDX file'


def _counts_disagree(folder):
  _write_idx(folder / _TRAIN_LABELS, np.zeros(19))
  return _TRAIN_LABELS, 'disagree'


def _label_out_of_range(folder):
  _write_idx(folder / _TRAIN_LABELS, np.full(20, 10))
  return folder / _TRAIN_LABELS, 'outside 0..9'


def _wrong_image_size(folder):
  _write_idx(folder / _TRAIN_IMAGES, np.zeros((20, 32, 32)))
  return folder / _TRAIN_IMAGES, '32x32'


@pytest.mark.parametrize('corrupt', [
    _bad_magic, _truncated_gzip, _not_gzip, _header_overstates_count,
    _extra_payload, _missing_file, _counts_disagree, _label_out_of_range,
    _wrong_image_size,
], ids=lambda f: f.__name__.lstrip('_'))
def test_broken_files_give_one_line_naming_the_file(tmp_path, corrupt):
  folder = _tiny_folder(tmp_path / 'idx')
  named, reason = corrupt(folder)
  with pytest.raises(DataError, match=reason) as error:
    data.load_split('mnist', 'train', str(folder), str(tmp_path / 'tfds'))
  _assert_one_line(error, named)
  assert not (tmp_path / 'tfds' / 'mnist_idx').exists()  # Nothing prepared.


def test_expected_count_is_checked(tmp_path):
  folder = _tiny_folder(tmp_path)
  with pytest.raises(DataError, match='holds 20 items, expected 60000') as e:
    idx.read_idx(folder / _TRAIN_LABELS, ndim=1, count=60_000)
  _assert_one_line(e, folder / _TRAIN_LABELS)


def test_missing_folder(tmp_path):
  folder = tmp_path / 'nowhere'
  with pytest.raises(DataError, match='does not exist') as error:
    data.load_split('mnist', 'train', str(folder), str(tmp_path))
  _assert_one_line(error, folder)
  with pytest.raises(DataError, match='does not exist') as error:
    idx.read_idx_folder(folder)
  _assert_one_line(error, folder)


def test_missing_env_root(monkeypatch, tmp_path):
  monkeypatch.setenv('GAN_JAX_DATA_DIR', str(tmp_path / 'nowhere'))
  with pytest.raises(DataError, match='GAN_JAX_DATA_DIR') as error:
    data.load_split('mnist', 'train', None, str(tmp_path))
  _assert_one_line(error, tmp_path / 'nowhere')


def test_unknown_dataset_lists_valid_names(tmp_path):
  with pytest.raises(DataError, match='cifar10') as error:
    data.load_split('cifar10', 'train', None, str(tmp_path))
  _assert_one_line(error, *data.DATASETS)


def test_bad_split_is_a_data_error(root, tfds_dir):
  for split in ('validation', 'train[:70000]', 'train[:abc]'):
    with pytest.raises(DataError, match='bad split') as error:
      data.load_split('mnist', split, str(root / 'mnist'), tfds_dir)
    _assert_one_line(error, split)


@pytest.mark.parametrize('name', list(data.DATASETS))
def test_no_local_data_fails_fast_with_help(monkeypatch, tmp_path, name):
  (tmp_path / 'root').mkdir()
  (tmp_path / 'tfds').mkdir()
  monkeypatch.setenv('GAN_JAX_DATA_DIR', str(tmp_path / 'root'))
  start = time.monotonic()
  with pytest.raises(DataError, match='no local') as error:
    data.load_split(name, 'train', None, str(tmp_path / 'tfds'))
  assert time.monotonic() - start < 5
  url = data.DATASETS[name].FILES_URL
  _assert_one_line(error, '--config.data.dir=', 'GAN_JAX_DATA_DIR=', url)
  with pytest.raises(DataError, match='no local'):
    data.resolve_idx_dir(name, None)
