"""TFDS builders that prepare MNIST-like datasets from local IDX files.

They read TFDS's manual dir instead of downloading, and write array_record
files, so preparing and reading work offline and without TensorFlow. Each
config is named after the source files' fingerprint: folders with different
contents land in different config dirs instead of silently sharing data, and
nothing already prepared is ever overwritten or deleted.
"""

import os
import pathlib
import re
from typing import ClassVar, Iterator

from google.protobuf import message
import numpy as np
import tensorflow_datasets as tfds
from tensorflow_datasets.proto import tf_example_pb2

from gan_jax.data import idx
from gan_jax.errors import DataError

_CONFIG_RE = re.compile(r'src_[0-9a-f]{12}')
_FILE_FORMAT = 'array_record'  # The tfrecord default needs TensorFlow.
_READ_CHUNK = 10_000  # Records parsed at once; bounds peak memory.
_SHAPE = idx.IMAGE_SHAPE + (1,)


def _instructions(url: str) -> str:
  names = ', '.join(name for pair in idx.FILES.values() for name in pair)
  return (f'Download {names} from {url} into one folder and pass it as the '
          'manual dir (gan_jax does this for you: see gan_jax.data).')


class IdxBuilder(tfds.core.GeneratorBasedBuilder, skip_registration=True):
  """28x28 grayscale images in 10 classes, read from the four IDX files."""

  VERSION = tfds.core.Version('1.0.0')
  RELEASE_NOTES = {'1.0.0': 'First release; keeps the IDX files\' order.'}
  TITLE: ClassVar[str]
  FILES_URL: ClassVar[str]
  HOMEPAGE: ClassVar[str]

  @classmethod
  def get_builder_config(
      cls, name: str, version: str | None = None
  ) -> tfds.core.BuilderConfig | None:
    # Configs are source fingerprints, unknowable up front: accept any.
    del version
    if _CONFIG_RE.fullmatch(name):
      return tfds.core.BuilderConfig(name=name)
    return None

  def _info(self) -> tfds.core.DatasetInfo:
    return tfds.core.DatasetInfo(
        builder=self,
        features=tfds.features.FeaturesDict({
            # Raw bytes, not TFDS's default int64 list: preparing and
            # reading back are both ~3x faster.
            'image': tfds.features.Tensor(
                shape=_SHAPE, dtype=np.uint8,
                encoding=tfds.features.Encoding.BYTES),
            'label': tfds.features.ClassLabel(num_classes=idx.NUM_CLASSES),
        }),
        supervised_keys=('image', 'label'),
        homepage=self.HOMEPAGE,
        # IDX order, so that 'train[:50000]' is the paper's training set.
        disable_shuffling=True,
    )

  def _split_generators(self, dl_manager: tfds.download.DownloadManager):
    splits = idx.read_idx_folder(os.fspath(dl_manager.manual_dir))
    return {name: self._generate_examples(*arrays)
            for name, arrays in splits.items()}

  def _generate_examples(
      self, images: np.ndarray, labels: np.ndarray
  ) -> Iterator[tuple[int, dict[str, np.ndarray]]]:
    for i, (image, label) in enumerate(zip(images, labels)):
      yield i, {'image': image, 'label': label}


class MnistIdx(IdxBuilder):
  """MNIST handwritten digits (LeCun, Cortes and Burges)."""

  TITLE = 'MNIST'
  FILES_URL = 'https://storage.googleapis.com/cvdf-datasets/mnist/'
  HOMEPAGE = 'http://yann.lecun.com/exdb/mnist/'
  MANUAL_DOWNLOAD_INSTRUCTIONS = _instructions(FILES_URL)


class FashionMnistIdx(IdxBuilder):
  """Fashion-MNIST clothing images (Zalando Research, MIT licence)."""

  TITLE = 'Fashion-MNIST'
  FILES_URL = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'
  HOMEPAGE = 'https://github.com/zalandoresearch/fashion-mnist'
  MANUAL_DOWNLOAD_INSTRUCTIONS = _instructions(FILES_URL)


def _builder(cls: type[IdxBuilder], config: str, tfds_dir: str) -> IdxBuilder:
  return cls(config=config, data_dir=tfds_dir, file_format=_FILE_FORMAT)


def _is_prepared(builder: IdxBuilder) -> bool:
  # Looking first spares the warning TFDS logs for a folder not yet prepared.
  info = builder.data_path / tfds.core.constants.DATASET_INFO_FILENAME
  return info.exists() and builder.is_prepared()


def prepare(cls: type[IdxBuilder], idx_dir: pathlib.Path,
            tfds_dir: str) -> IdxBuilder:
  """Returns the builder for `idx_dir`'s files, preparing them on first use."""
  config = 'src_' + idx.fingerprint(idx_dir)[:12]
  builder = _builder(cls, config, tfds_dir)
  if not _is_prepared(builder):
    # Validate first: a bad file then gives one line, not a TFDS traceback.
    idx.read_idx_folder(idx_dir)
    try:
      builder.download_and_prepare(
          download_config=tfds.download.DownloadConfig(
              manual_dir=os.fspath(idx_dir)))
    except FileExistsError:
      if not _is_prepared(builder):  # Else another process just prepared it.
        raise
  return builder


def prepared(cls: type[IdxBuilder], tfds_dir: str) -> list[IdxBuilder]:
  """Returns one builder per source already prepared in `tfds_dir`."""
  root = pathlib.Path(tfds_dir) / cls.name
  configs = sorted(p.name for p in root.glob('src_*')
                   if _CONFIG_RE.fullmatch(p.name))
  builders = [_builder(cls, config, tfds_dir) for config in configs]
  return [builder for builder in builders if _is_prepared(builder)]


def read_split(builder: IdxBuilder,
               split: str) -> tuple[np.ndarray, np.ndarray]:
  """Returns (images uint8 [N,28,28,1], labels int32 [N]) for a split string.

  Parses the raw records with TFDS's own tf.Example proto, in batches: twice
  as fast as the data source's per-example decoder (1.0 s vs 2.0 s for 60k).
  """
  try:
    source = builder.as_data_source(
        split, deserialize_method=tfds.decode.DeserializeMethod.RAW_BYTES)
  except ValueError as e:
    reason = str(e).splitlines()[0]
    raise DataError(f'bad split {split!r} for {builder.TITLE}: {reason} (use '
                    "'train', 'test' or a slice such as 'train[:50000]')"
                    ) from None
  n = len(source)
  images = np.empty((n,) + _SHAPE, np.uint8)
  labels = np.empty((n,), np.int32)
  try:
    for start in range(0, n, _READ_CHUNK):
      stop = min(n, start + _READ_CHUNK)
      records = source.__getitems__(range(start, stop))
      features = [tf_example_pb2.Example.FromString(r).features.feature
                  for r in records]
      images[start:stop] = np.frombuffer(
          b''.join([f['image'].bytes_list.value[0] for f in features]),
          np.uint8).reshape((-1,) + _SHAPE)
      labels[start:stop] = [f['label'].int64_list.value[0] for f in features]
  except (ValueError, IndexError, message.DecodeError) as e:
    reason = ' '.join(str(e).split())
    raise DataError(f'unreadable prepared dataset {builder.data_dir} '
                    f'({reason}); delete that folder to prepare it again'
                    ) from None
  return images, labels
