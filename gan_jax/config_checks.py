"""Checks that turn a bad config into one readable line before any work.

Names of components (dataset, model, loss, optimiser) are checked by their
registries when they are built; this module checks the rest, so that nothing
is written to the workdir for a config that cannot run.
"""
import json

import ml_collections

from gan_jax import configs, population
from gan_jax.data.toy import TOY_DATASETS
from gan_jax.errors import ConfigError
from gan_jax.models.spec import TRANSLATION_MODELS
from gan_jax.penalties import PENALTIES

UPDATE_SCHEMES = ('alternating', 'simultaneous')
ON_NONFINITE = ('stop', 'skip')
# Models whose D wraps its layers in spectral normalisation on request.
SPECTRAL_NORM_MODELS = ('dcgan', 'maxout_mlp')


def _at_least(config: ml_collections.ConfigDict, path: str, low: float) -> None:
  value = config
  for part in path.split('.'):
    value = value[part]
  if value < low:
    raise ConfigError(f'config.{path}={value} must be >= {low}')


def check_config(config: ml_collections.ConfigDict) -> None:
  if config.train.update_scheme not in UPDATE_SCHEMES:
    raise ConfigError(f'unknown train.update_scheme '
                      f'{config.train.update_scheme!r}; choose one of: '
                      f'{", ".join(UPDATE_SCHEMES)}')
  if config.population_loop not in population.LOOPS:
    raise ConfigError(f'unknown population_loop {config.population_loop!r}; '
                      f'choose one of: {", ".join(population.LOOPS)}')
  if config.train.on_nonfinite not in ON_NONFINITE:
    raise ConfigError(f'unknown train.on_nonfinite '
                      f'{config.train.on_nonfinite!r}; choose one of: '
                      f'{", ".join(ON_NONFINITE)}')
  for path in ('batch_size', 'd_steps', 'log_every', 'checkpoint_every',
               'sample_every', 'keep_checkpoints', 'num_samples'):
    _at_least(config, f'train.{path}', 1)
  _at_least(config, 'train.num_steps', 0)
  _at_least(config, 'eval.every', 0)
  _at_least(config, 'population', 1)
  _at_least(config, 'eval.num_samples', 1)
  _at_least(config, 'model.z_dim', 1)
  _at_least(config, 'loss.clip', 0)
  _at_least(config, 'model.pack', 1)
  if config.train.batch_size % config.model.pack:
    raise ConfigError(
        f'config.train.batch_size={config.train.batch_size} must be divisible '
        f'by config.model.pack={config.model.pack}: D reads whole packs')
  if config.eval.every and config.data.name in TOY_DATASETS:
    raise ConfigError(
        f'config.eval.every={config.eval.every}, but the image metrics do not '
        f'apply to the toy dataset {config.data.name!r}: set eval.every=0 and '
        'score it with benchmarks/mode_coverage.py or benchmarks/toy_1d.py')
  if not 0.0 <= config.train.ema_decay < 1.0:
    raise ConfigError(
        f'config.train.ema_decay={config.train.ema_decay} must be in [0, 1)')
  for name in ('g', 'd'):
    if config.optim[name].name == 'adam':
      _at_least(config, f'optim.{name}.decay_steps', 0)
      if not 0.0 <= config.optim[name].decay_to <= 1.0:
        raise ConfigError(f'config.optim.{name}.decay_to='
                          f'{config.optim[name].decay_to} must be in [0, 1] '
                          '(the final fraction of the learning rate)')
  _check_regularisers(config)
  if config.model.name in TRANSLATION_MODELS:
    _check_translation(config)


# What a translation model's step (cyclegan_step.py) and loop support.
TRANSLATION_SETTINGS = {'train.d_steps': 1, 'model.pack': 1,
                        'model.num_classes': 0, 'model.info_codes': (0, 0),
                        'loss.penalty': 'none', 'eval.every': 0,
                        'population': 1}
# Objectives that need no Lipschitz constraint (penalties are off) and score
# each patch on its own, as CycleGAN's LSGAN does.
TRANSLATION_LOSSES = ('least_squares', 'non_saturating', 'hinge')


def _check_translation(config: ml_collections.ConfigDict) -> None:
  for path, wanted in TRANSLATION_SETTINGS.items():
    value = config
    for part in path.split('.'):
      value = value[part]
    if (tuple(value) if isinstance(value, (list, tuple)) else value) != wanted:
      raise ConfigError(
          f'model {config.model.name!r} translates images and supports only '
          f'{path}={wanted!r}, got {value!r}; score it with '
          'benchmarks/cyclegan_labels.py')
  if config.loss.name not in TRANSLATION_LOSSES:
    raise ConfigError(
        f'model {config.model.name!r} translates images and supports only '
        f'loss.name in: {", ".join(TRANSLATION_LOSSES)}; got '
        f'{config.loss.name!r}')
  _at_least(config, 'loss.cycle_weight', 0)
  _at_least(config, 'loss.identity_weight', 0)


def _check_regularisers(config: ml_collections.ConfigDict) -> None:
  PENALTIES.get(config.loss.penalty)  # an unknown name lists the choices
  _at_least(config, 'loss.penalty_weight', 0)
  if config.model.spectral_norm and (config.model.name
                                     not in SPECTRAL_NORM_MODELS):
    raise ConfigError(f'model.spectral_norm is not supported by model '
                      f'{config.model.name!r}; models that support it: '
                      f'{", ".join(SPECTRAL_NORM_MODELS)}')
  # GMMN has no discriminator: its objective and its parameter-free D only
  # make sense together (any other objective would read images as logits).
  if (config.loss.name == 'mmd') != (config.model.name == 'gmmn'):
    raise ConfigError("loss.name='mmd' and model.name='gmmn' (GMMN) go "
                      f'together; got loss {config.loss.name!r} with model '
                      f'{config.model.name!r}')
  # BEGAN's game reads D's outputs as reconstruction errors, which only its
  # autoencoder D produces; other objectives would read them as logits.
  if (config.loss.name == 'began') != (config.model.name == 'began'):
    raise ConfigError("loss.name='began' and model.name='began' (BEGAN) go "
                      f'together; got loss {config.loss.name!r} with model '
                      f'{config.model.name!r}')
  if config.loss.name == 'began' and not 0 < config.loss.began_gamma <= 1:
    raise ConfigError(f'loss.began_gamma={config.loss.began_gamma} must be '
                      'in (0, 1]')
  _at_least(config, 'loss.began_lambda_k', 0)
  if config.loss.name == 'mmd' and (
      not config.loss.mmd_sigmas or min(config.loss.mmd_sigmas) <= 0):
    raise ConfigError(f'loss.mmd_sigmas={config.loss.mmd_sigmas} must be a '
                      f'non-empty list of positive kernel scales')


# Fields a resumed run may change: they steer the loop, not what is learnt.
RESUMABLE_CHANGES = ('train.num_steps', 'train.log_every',
                     'train.checkpoint_every', 'train.sample_every',
                     'train.keep_checkpoints', 'train.num_samples',
                     'train.on_nonfinite', 'data.dir', 'data.tfds_dir',
                     'eval.every', 'eval.metrics', 'eval.num_samples')


def _flatten(tree: dict, prefix: str = '') -> dict:
  out = {}
  for key, value in tree.items():
    if isinstance(value, dict):
      out.update(_flatten(value, f'{prefix}{key}.'))
    else:
      out[f'{prefix}{key}'] = value
  return out


def resume_changes(saved: dict, current: dict) -> dict[str, tuple]:
  """Fields that differ between a checkpoint's config and this run's.

  Raises ConfigError naming every difference outside RESUMABLE_CHANGES:
  resuming a checkpoint under another architecture, objective or schedule
  would either fail deep inside JAX or, worse, silently train something else.
  """
  current = json.loads(json.dumps(current))  # tuples -> lists, as saved
  old, new = _flatten(saved), _flatten(current)
  # A field added to gan_jax after the run started is no change at its
  # default, which by construction reproduces the code it was saved with.
  defaults = _flatten(json.loads(json.dumps(configs.base_config().to_dict())))
  old.update({k: v for k, v in defaults.items()
              if k not in old and new.get(k) == v})
  changed = {k: (old.get(k), new.get(k)) for k in sorted(old.keys() | new.keys())
             if old.get(k) != new.get(k)}
  refused = [k for k in changed if k not in RESUMABLE_CHANGES]
  if refused:
    shown = '; '.join(f'{k}: {changed[k][0]!r} -> {changed[k][1]!r}'
                      for k in refused)
    raise ConfigError(
        f'the workdir holds a run with a different config ({shown}); use a new '
        f'workdir, or the original values to resume (changeable on resume: '
        f'{", ".join(RESUMABLE_CHANGES)})')
  return changed
