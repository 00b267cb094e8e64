"""Reads gzipped IDX files (the MNIST format) with nothing but gzip and numpy.

Every way a file can be broken becomes a one-line `DataError` naming the file,
so a bad download is reported before TFDS turns it into a long traceback.
"""

import gzip
import math
import os
import pathlib
import zlib

import numpy as np

from gan_jax.errors import DataError

# split -> (images file, labels file), the names every MNIST-like mirror uses.
FILES = {
    'train': ('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'),
    'test': ('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'),
}
IMAGE_SHAPE = (28, 28)
NUM_CLASSES = 10
_KIND = {1: 'labels', 3: 'images'}  # IDX rank -> what the file holds.
_ALL_FILES = ', '.join(name for pair in FILES.values() for name in pair)

def _require_file(path: pathlib.Path) -> None:
  if not path.is_file():
    raise DataError(
        f'missing IDX file {path}: a dataset folder must hold the four files '
        f'{_ALL_FILES}')


def read_idx(path: str | os.PathLike[str], ndim: int | None = None,
             count: int | None = None) -> np.ndarray:
  """Returns the uint8 array stored in a gzipped IDX file.

  The result is a read-only view of the decompressed bytes, which avoids a
  second copy of a 47 MB payload.

  Args:
    path: a `.gz` IDX file.
    ndim: expected rank (1 for labels, 3 for images); None accepts either.
    count: expected number of items (first dimension); None accepts any.
  """
  path = pathlib.Path(path)
  _require_file(path)
  try:
    with gzip.open(path, 'rb') as f:
      data = f.read()
  except (EOFError, gzip.BadGzipFile, OSError, zlib.error) as e:
    reason = ' '.join(str(e).split()) or type(e).__name__
    raise DataError(f'corrupt IDX file {path}: unreadable gzip data '
                    f'({reason}); download the file again') from None

  def corrupt(what: str) -> DataError:
    return DataError(
        f'corrupt IDX file {path}: {what}; download the file again')

  magic = int.from_bytes(data[:4], 'big') if len(data) >= 4 else None
  ranks = sorted(_KIND) if ndim is None else [ndim]
  if magic not in [0x800 | r for r in ranks]:
    expected = ' or '.join(f'0x{0x800 | r:08x} for {_KIND.get(r, "data")}'
                         for r in ranks)
    found = 'none (file too short)' if magic is None else f'0x{magic:x}'
    raise corrupt(f'bad magic number {found} (expected {expected})')
  rank = magic & 0xff
  header = 4 + 4 * rank
  if len(data) < header:
    raise corrupt(f'header cut short ({len(data)} bytes, need {header})')
  dims = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big')
               for i in range(rank))
  payload, needed = len(data) - header, math.prod(dims)
  if payload != needed:
    shape = 'x'.join(map(str, dims))
    raise corrupt(f'{"truncated" if payload < needed else "extra"} data: the '
                  f'header says {shape} = {needed} bytes, the payload has '
                  f'{payload}')
  if count is not None and dims[0] != count:
    raise corrupt(f'holds {dims[0]} items, expected {count}')
  return np.frombuffer(data, np.uint8, offset=header).reshape(dims)


def read_idx_folder(
    folder: str | os.PathLike[str],
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
  """Returns {'train'|'test': (images uint8 [N,28,28,1], labels int32 [N])}.

  Checks everything TFDS would otherwise choke on: shape, matching counts and
  label range.
  """
  folder = pathlib.Path(folder)
  if not folder.is_dir():
    raise DataError(f'IDX folder {folder} does not exist; point the data '
                    f'directory at a folder holding {_ALL_FILES}')
  splits = {}
  for split, (images_name, labels_name) in FILES.items():
    images = read_idx(folder / images_name, ndim=3)
    labels = read_idx(folder / labels_name, ndim=1)
    if images.shape[1:] != IMAGE_SHAPE:
      raise DataError(f'unexpected IDX file {folder / images_name}: images are '
                      f'{images.shape[1]}x{images.shape[2]}, expected 28x28')
    if len(images) != len(labels):
      raise DataError(
          f'IDX files disagree in {folder}: {images_name} has {len(images)} '
          f'images but {labels_name} has {len(labels)} labels')
    if labels.max(initial=0) >= NUM_CLASSES:
      raise DataError(f'corrupt IDX file {folder / labels_name}: label '
                      f'{labels.max()} is outside 0..{NUM_CLASSES - 1}')
    splits[split] = (images[..., None], labels.astype(np.int32))
  return splits


def source_files(folder: str | os.PathLike[str]) -> list[pathlib.Path]:
  """The four files of an IDX folder, each checked to exist."""
  folder = pathlib.Path(folder)
  paths = [folder / name for pair in FILES.values() for name in pair]
  for path in paths:
    _require_file(path)
  return paths
