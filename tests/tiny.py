"""Tiny versions of every experiment, so tests compile and run in seconds."""
import os
import pathlib

import ml_collections

from gan_jax import configs
from gan_jax.configs import as_flags  # noqa: F401  (re-exported for tests)

EXPERIMENTS = pathlib.Path(__file__).resolve().parents[1] / 'experiments'

# Per model: field overrides that shrink it without changing its kind.
SHRINK = {
    'dcgan': {'model.width': 4, 'model.z_dim': 8},
    'maxout_mlp': {'model.g_hidden': (16, 16), 'model.d_units': 8,
                   'model.d_pieces': 2, 'model.z_dim': 8},
    'mlp': {'model.g_hidden': (16, 16), 'model.d_units': 8,
            'model.d_pieces': 2, 'model.d_layers': 2},
    'gmmn': {'model.g_hidden': (16, 16), 'model.z_dim': 8},
    'began': {'model.width': 4, 'model.embedding': 8, 'model.z_dim': 8},
    'cyclegan': {'model.width': 4, 'model.blocks': 1},
    'progan': {'model.width': 2, 'model.z_dim': 8, 'model.stage_steps': 2},
}
MODEL_EXPERIMENT = {'dcgan': 'dcgan.py', 'maxout_mlp': 'gan_mnist.py',
                    'mlp': 'ring.py', 'gmmn': 'gmmn_mnist.py',
                    'began': 'began_mnist.py', 'cyclegan': 'cyclegan_mnist.py',
                    'progan': 'progan_mnist.py'}


def load_experiment(name: str, arg: str | None = None) -> ml_collections.ConfigDict:
  return configs.load_experiment(
      f'{EXPERIMENTS / name}' + (f':{arg}' if arg else ''))


def overrides_for(model: str, **extra) -> dict:
  return {**SHRINK[model], 'train.batch_size': 16, 'train.num_samples': 4,
          **extra}


def apply(config: ml_collections.ConfigDict, overrides: dict):
  for path, value in overrides.items():
    *parents, leaf = path.split('.')
    node = config
    for p in parents:
      node = node[p]
    node[leaf] = value
  return config


def tiny_config(model: str = 'dcgan', **extra) -> ml_collections.ConfigDict:
  extra = {k.replace('__', '.'): v for k, v in extra.items()}
  return apply(load_experiment(MODEL_EXPERIMENT[model]),
               overrides_for(model, **extra))


def device_flags(devices: int) -> str:
  """XLA_FLAGS for a subprocess with `devices` CPU devices, keeping the
  suite's own flags (conftest.py)."""
  return ' '.join(filter(None, [os.environ.get('XLA_FLAGS'),
                                f'--xla_force_host_platform_device_count={devices}']))
