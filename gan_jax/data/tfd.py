"""The Toronto Face Database (TFD), prepared by TFDS from TFD_48x48.mat.

TFD (Susskind, Anderson and Hinton, 2010) is licence-restricted, so users
bring the file. It holds `images`, 102,236 grayscale faces of 48x48 (uint8),
and `folds`, 102,236 x 5: column f says what image i is in fold f, 0 =
unlabelled, 1 = train, 2 = valid, 3 = test. The 4,178 images with an
expression label make up the folds' train, valid and test parts; the labels
themselves (`labs_ex`, `labs_id`) are ignored here.

Splits, each in file order:
  full                  every image (TFDS reserves 'all' for the union of all
                        splits, which here would repeat images, so we refuse
                        it);
  unlabelled            the images that are unlabelled in every fold, the
                        2014 GAN paper's training set. (Its pylearn2 code
                        reads fold 0's column alone, 98,058 zeros in the real
                        file; the two agree unless some fold leaves out a
                        labelled image. Ours never holds another fold's
                        test images.)
  fold{f}_train, fold{f}_valid, fold{f}_test, for f in 0..4: fold f's parts,
                        as pylearn2's TFD(which_set, fold=f).
Goodfellow et al. (2014) evaluate by fold: the Parzen window width is chosen
on fold{f}_valid, the log-likelihood measured on fold{f}_test, and the mean
and standard error reported across the five folds. Every example also keeps
its row of `folds` (int32 [5]); `load_split` returns zeros as labels.
"""

import pathlib
import re
from typing import Any

import numpy as np
import tensorflow_datasets as tfds

from gan_jax.data import tfds_builders
from gan_jax.errors import DataError

FILE_NAME = 'TFD_48x48.mat'
IMAGE_SHAPE = (48, 48)
NUM_FOLDS = 5
PARTS = ('train', 'valid', 'test')  # Fold codes 1, 2, 3; 0 is unlabelled.
SPLITS = ('full', 'unlabelled') + tuple(
    f'fold{fold}_{part}' for fold in range(NUM_FOLDS) for part in PARTS)
_HOMEPAGE = 'http://aclab.ca/users/josh/TFD.html'
_VARIABLES = ('images', 'folds')
_SPLIT_NAME_RE = re.compile(r'(?:^|\+)\s*(\w+)')  # The names in 'a[:5]+b'.


def _require_file(path: pathlib.Path) -> pathlib.Path:
  if not path.is_file():
    raise DataError(f'missing TFD file {path}: put {FILE_NAME} there (TFD is '
                    f'licence-restricted: request it via {_HOMEPAGE})')
  return path


def _shape(array: np.ndarray) -> str:
  return ' x '.join(map(str, array.shape)) or 'a scalar'


def read_mat(path: str | pathlib.Path) -> tuple[np.ndarray, np.ndarray]:
  """Returns (images uint8 [N,48,48,1], folds int32 [N,5]) from the .mat file.

  Checks everything TFDS would otherwise choke on or silently get wrong, so
  that a bad file is one `DataError` naming it.
  """
  path = _require_file(pathlib.Path(path))
  try:
    from scipy import io as scipy_io  # pylint: disable=g-import-not-at-top
  except ImportError:  # Only TFD needs scipy; gan_jax does not require it.
    raise DataError(f'reading {path} needs scipy: pip install scipy') from None

  def bad(problem: str) -> DataError:
    return DataError(f'bad TFD file {path}: {problem}')

  try:
    mat = scipy_io.loadmat(path, variable_names=_VARIABLES)
  except NotImplementedError:  # scipy's answer to HDF5-based .mat files.
    raise bad('it is a MATLAB v7.3 (HDF5) file, which scipy cannot read; '
              "save it as v7 in MATLAB: save(f, 'images', 'folds', '-v7')"
              ) from None
  except Exception as e:  # pylint: disable=broad-except
    # scipy raises OSError, ValueError, IndexError, MatReadError, ... for
    # bytes that are not a whole .mat file.
    reason = ' '.join(str(e).split()) or type(e).__name__
    raise bad(f'not a readable MATLAB .mat file ({reason}); it may be '
              'truncated: copy it again') from None
  for name in _VARIABLES:
    if name not in mat:
      raise bad(f'no variable {name!r} (TFD files hold images and folds)')
  images, folds = mat['images'], mat['folds']
  for name, array in (('images', images), ('folds', folds)):
    if not (np.issubdtype(array.dtype, np.integer) or
            np.issubdtype(array.dtype, np.floating)):
      raise bad(f'{name} is not a numeric array (numpy dtype {array.dtype})')
  if images.ndim != 3 or images.shape[1:] != IMAGE_SHAPE or not len(images):
    raise bad(f'images is {_shape(images)}, expected N x 48 x 48')
  if folds.ndim != 2 or folds.shape[1] != NUM_FOLDS:
    raise bad(f'folds is {_shape(folds)}, expected N x {NUM_FOLDS}')
  if len(folds) != len(images):
    raise bad(f'images has {len(images)} images but folds has {len(folds)} '
              'rows')
  if images.dtype != np.uint8:
    if not np.all((images >= 0) & (images <= 255) & (images == images // 1)):
      raise bad('images holds values that are not integers in 0..255')
  unknown = np.setdiff1d(folds, np.arange(len(PARTS) + 1))
  if unknown.size:
    raise bad(f'folds holds {unknown[0]:g}, expected only 0 (unlabelled), '
              '1 (train), 2 (valid) or 3 (test)')
  # TFDS cannot write an empty split, and no TFD protocol has one.
  empty = [name for name, mask in split_masks(folds).items() if not mask.any()]
  if empty:
    raise bad(f'folds leaves split {empty[0]} empty (every fold needs train, '
              'valid and test images, and some image must be unlabelled in '
              'all folds)')
  images = np.ascontiguousarray(images, np.uint8)[..., None]
  return images, folds.astype(np.int32)


def split_masks(folds: np.ndarray) -> dict[str, np.ndarray]:
  """Returns {split name: boolean mask over the file's rows}, for `SPLITS`."""
  masks = {'full': np.ones(len(folds), bool),
           'unlabelled': np.all(folds == 0, axis=1)}
  for fold in range(NUM_FOLDS):
    for code, part in enumerate(PARTS, start=1):
      masks[f'fold{fold}_{part}'] = folds[:, fold] == code
  return masks


class TfdMat(tfds_builders.LocalBuilder):
  """Toronto Face Database, 48x48 grayscale faces, with its five folds."""

  RELEASE_NOTES = {'1.0.0': "First release; keeps the .mat file's order."}
  TITLE = 'TFD'
  HOMEPAGE = _HOMEPAGE
  FILES_URL = _HOMEPAGE
  SOURCE = FILE_NAME
  DIR_HINT = f'folder-with-{FILE_NAME}'
  SPLIT_HINT = ("use 'fold0_train' .. 'fold4_test' (train, valid or test of "
                "folds 0-4), 'unlabelled', 'full', or a slice such as "
                "'unlabelled[:1000]'")
  IMAGE_SHAPE = IMAGE_SHAPE + (1,)
  MANUAL_DOWNLOAD_INSTRUCTIONS = (
      f'TFD is licence-restricted and cannot be downloaded automatically: '
      f'request {FILE_NAME} from its authors ({_HOMEPAGE}; it was served to '
      'licensees from http://www.cs.toronto.edu/~jsusskin/TFD/). Then either '
      f'pass its folder, --config.data.dir=/folder/with/{FILE_NAME}, or put '
      f'it at $GAN_JAX_DATA_DIR/tfd/{FILE_NAME}; gan_jax hands that folder '
      'to TFDS as the manual dir.')

  @classmethod
  def source_fingerprint(cls, folder: pathlib.Path) -> str:
    return tfds_builders.fingerprint_files([_require_file(folder / FILE_NAME)])

  @classmethod
  def read_source(cls, folder: pathlib.Path) -> tuple[np.ndarray, np.ndarray]:
    return read_mat(folder / FILE_NAME)

  @classmethod
  def where_to_get(cls) -> str:
    return (f'TFD is licence-restricted: request {FILE_NAME} from its authors '
            f'via {cls.FILES_URL}')

  def _info(self) -> tfds.core.DatasetInfo:
    return tfds.core.DatasetInfo(
        builder=self,
        features=tfds.features.FeaturesDict({
            'image': self._image_feature(),
            'folds': tfds.features.Tensor(shape=(NUM_FOLDS,), dtype=np.int32),
        }),
        homepage=self.HOMEPAGE,
        # File order, so that slices and the `full` split match the .mat rows.
        disable_shuffling=True,
    )

  def as_data_source(self, split: Any = None, **kwargs) -> Any:
    """TFDS's data source, refusing 'all', which would repeat images."""
    if isinstance(split, str) and 'all' in _SPLIT_NAME_RE.findall(split):
      raise ValueError("'all' is TFDS's union of every split, which repeats "
                       "TFD's images; the whole file is the split 'full'")
    return super().as_data_source(split, **kwargs)

  def _split_generators(self, dl_manager: tfds.download.DownloadManager):
    images, folds = self.read_source(pathlib.Path(dl_manager.manual_dir))
    return {name: self._generate_examples(images, folds, np.flatnonzero(mask))
            for name, mask in split_masks(folds).items()}

  def _generate_examples(self, images: np.ndarray, folds: np.ndarray,
                         rows: np.ndarray):
    for row in rows:
      yield int(row), {'image': images[row], 'folds': folds[row]}
