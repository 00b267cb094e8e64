"""Image datasets as numpy arrays, prepared once by TFDS from local files."""

from gan_jax.data.datasets import ALL_DATASETS
from gan_jax.data.datasets import DATASETS
from gan_jax.data.datasets import load_split
from gan_jax.data.datasets import prepared_builder
from gan_jax.data.datasets import resolve_idx_dir
from gan_jax.data.idx import read_idx
from gan_jax.data.idx import read_idx_folder
from gan_jax.data.tfd import read_mat
