"""The one way the rest of gan_jax gets data: local files -> TFDS -> numpy.

Where the source files (four IDX files, or TFD's TFD_48x48.mat) come from,
first match wins:
  1. `data_dir`: a folder holding them;
  2. `$GAN_JAX_DATA_DIR/<name>/`: a root with one subfolder per dataset;
  3. none: a dataset already prepared in the TFDS dir is used as is.
Otherwise we fail at once. We never download: offline, `tfds.load('mnist')`
retries for minutes before giving up.
"""

import os
import pathlib

import numpy as np
import tensorflow_datasets as tfds

from gan_jax.data import domains
from gan_jax.data import stacked
from gan_jax.data import tfd
from gan_jax.data import tfds_builders
from gan_jax.data import toy
from gan_jax.errors import DataError

# The MNIST-like datasets: 28x28x1, 10 classes, 'train' and 'test' splits.
# Code built on that contract (classifiers, metric floors) iterates over it.
DATASETS: dict[str, type[tfds_builders.IdxBuilder]] = {
    'mnist': tfds_builders.MnistIdx,
    'fashion_mnist': tfds_builders.FashionMnistIdx,
}
# Every dataset `load_split` reads, whatever its image shape and splits.
ALL_DATASETS: dict[str, type[tfds_builders.LocalBuilder]] = {
    **DATASETS,
    'tfd': tfd.TfdMat,
}
# Datasets built from another one's images: name -> source dataset.
DERIVED = {'stacked_mnist': 'mnist'}
ENV_VAR = 'GAN_JAX_DATA_DIR'


def _builder_cls(name: str) -> type[tfds_builders.LocalBuilder]:
  if name not in ALL_DATASETS:
    names = [*ALL_DATASETS, *DERIVED, *domains.DATASETS, *toy.TOY_DATASETS]
    raise DataError(f'unknown dataset {name!r}: choose one of '
                    f'{", ".join(names)}')
  return ALL_DATASETS[name]


def _find_idx_dir(name: str, data_dir: str | None) -> pathlib.Path | None:
  cls = _builder_cls(name)
  if data_dir:
    folder = pathlib.Path(data_dir).expanduser()
    if not folder.is_dir():
      problem = 'is a file' if folder.is_file() else 'does not exist'
      raise DataError(f'data dir {folder} {problem}: point it at a folder '
                      f'holding {cls.SOURCE}')
    return folder
  if root := os.environ.get(ENV_VAR):
    root = pathlib.Path(root).expanduser()
    if not root.is_dir():
      raise DataError(f'{ENV_VAR}={root} does not exist: point it at a folder '
                      f'with one subfolder per dataset, e.g. {name}/')
    if (root / name).is_dir():
      return root / name
  return None


def _not_found(name: str, where: str) -> DataError:
  cls = ALL_DATASETS[name]
  return DataError(
      f'no local {cls.TITLE} found{where}: set --config.data.dir=/path/to/'
      f'{cls.DIR_HINT} or {ENV_VAR}=/path/to/root (one subfolder per dataset, '
      f'e.g. {name}/); {cls.where_to_get()}')


def resolve_idx_dir(name: str, data_dir: str | None = None) -> pathlib.Path:
  """Returns the folder of `name`'s source files, or says how to provide one."""
  folder = _find_idx_dir(name, data_dir)
  if folder is None:
    raise _not_found(name, '')
  return folder


def prepared_builder(
    name: str, data_dir: str | None = None,
    tfds_dir: str | None = None) -> tfds_builders.LocalBuilder:
  """Returns the prepared TFDS builder, for callers who want TFDS's readers.

  Args:
    name: one of `ALL_DATASETS`.
    data_dir: a folder holding the source files (see the module docstring).
    tfds_dir: where TFDS keeps prepared data; None means TFDS's default
      ($TFDS_DATA_DIR, else ~/tensorflow_datasets).
  """
  cls = _builder_cls(name)
  tfds_dir = (os.fspath(pathlib.Path(tfds_dir).expanduser()) if tfds_dir
              else tfds.core.constants.get_default_data_dir())
  folder = _find_idx_dir(name, data_dir)
  if folder is not None:
    return tfds_builders.prepare(cls, folder, tfds_dir)
  builders = tfds_builders.prepared(cls, tfds_dir)
  if not builders:
    env = f'{ENV_VAR} has no {name}/, ' if os.environ.get(ENV_VAR) else ''
    raise _not_found(name, f' ({env}nothing prepared in {tfds_dir})')
  if len(builders) > 1:
    configs = ', '.join(b.builder_config.name for b in builders)
    raise DataError(
        f'{cls.TITLE} was prepared from {len(builders)} different sources in '
        f'{tfds_dir}/{cls.name} ({configs}): pick one with --config.data.dir '
        f'or {ENV_VAR}')
  return builders[0]


def load_split(name: str, split: str, data_dir: str | None = None,
               tfds_dir: str | None = None) -> tuple[np.ndarray, np.ndarray]:
  """Returns (images uint8 [N,H,W,C], labels int32 [N]) in source file order.

  MNIST-like datasets give 28x28x1 images and their labels; TFD gives 48x48x1
  images and zeros (see `gan_jax.data.tfd` for its splits); 'stacked_mnist'
  28x28x3 digit triples and their mode 0..999 (`gan_jax.data.stacked`),
  built from MNIST's 'train' or 'test' split; 'mnist_unpaired' CycleGAN's
  two domains from any MNIST split (`gan_jax.data.domains`). Toy datasets
  ('ring', 'grid', ...; `gan_jax.data.toy`) are generated, not read: float32
  points [N, D] and their mixture components.

  Args:
    name: one of `ALL_DATASETS` or `toy.TOY_DATASETS`.
    split: a TFDS split string: 'train', 'test', 'train[:50000]',
      'fold0_valid', ... (toy datasets: 'train' or 'test')
    data_dir: a folder holding the source files (see the module docstring).
    tfds_dir: where TFDS keeps prepared data; None means TFDS's default.
  """
  if name in toy.TOY_DATASETS:
    return toy.load_split(name, split)
  if name in domains.DATASETS:  # CycleGAN's two domains, side by side
    return domains.unpaired(*load_split(domains.DATASETS[name], split,
                                        data_dir, tfds_dir))
  if name in DERIVED:
    if split not in stacked.SEEDS:
      raise DataError(f'{name} has splits {", ".join(stacked.SEEDS)}, '
                      f'not {split!r}')
    return stacked.stack(*load_split(DERIVED[name], split, data_dir, tfds_dir),
                         stacked.NUM_EXAMPLES, stacked.SEEDS[split])
  builder = prepared_builder(name, data_dir, tfds_dir)
  return tfds_builders.read_split(builder, split)
