"""Shared test fixtures: the real data, a per-session TFDS dir, tiny configs."""
import os
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / 'shared' / 'data'


def pytest_configure(config):
  # Tests read the real MNIST; subprocesses inherit these variables.
  if 'GAN_JAX_DATA_DIR' not in os.environ and SHARED_DATA.is_dir():
    os.environ['GAN_JAX_DATA_DIR'] = str(SHARED_DATA)
  if 'TFDS_DATA_DIR' not in os.environ:
    cache = ROOT / '.pytest_cache' / 'tensorflow_datasets'
    cache.mkdir(parents=True, exist_ok=True)
    os.environ['TFDS_DATA_DIR'] = str(cache)


@pytest.fixture
def python() -> str:
  return sys.executable
