"""Checks that turn a bad config into one readable line before any work.

Names of components (dataset, model, loss, optimiser) are checked by their
registries when they are built; this module checks the rest, so that nothing
is written to the workdir for a config that cannot run.
"""
import ml_collections

from gan_jax.errors import ConfigError

UPDATE_SCHEMES = ('alternating', 'simultaneous')


def _at_least(config: ml_collections.ConfigDict, path: str, low: float) -> None:
  value = config
  for part in path.split('.'):
    value = value[part]
  if value < low:
    raise ConfigError(f'config.{path}={value} must be >= {low}')


def check_config(config: ml_collections.ConfigDict) -> None:
  if config.train.update_scheme not in UPDATE_SCHEMES:
    raise ConfigError(f'unknown train.update_scheme {config.train.update_scheme!r}; choose '
                      f'one of: {", ".join(UPDATE_SCHEMES)}')
  for path in ('batch_size', 'd_steps', 'log_every', 'checkpoint_every',
               'sample_every', 'keep_checkpoints', 'num_samples'):
    _at_least(config, f'train.{path}', 1)
  _at_least(config, 'train.num_steps', 0)
  _at_least(config, 'model.z_dim', 1)
  if not 0.0 <= config.train.ema_decay < 1.0:
    raise ConfigError(
        f'config.train.ema_decay={config.train.ema_decay} must be in [0, 1)')
