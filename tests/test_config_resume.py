"""Resuming a run saved before a config field existed."""
import json

import pytest

from gan_jax import config_checks, configs
from gan_jax.errors import ConfigError
from tiny import tiny_config


def _saved_without_penalty_fields():
  # As a checkpoint stores it: JSON, so tuples come back as lists.
  saved = json.loads(json.dumps(tiny_config('dcgan').to_dict()))
  for field in ('penalty', 'penalty_weight', 'mmd_sigmas'):
    del saved['loss'][field]
  del saved['model']['spectral_norm']
  return saved


def test_fields_added_later_resume_at_their_defaults():
  current = tiny_config('dcgan').to_dict()
  assert config_checks.resume_changes(_saved_without_penalty_fields(),
                                      current) == {}


def test_fields_added_later_refuse_other_values():
  current = tiny_config('dcgan', loss__penalty='r1').to_dict()
  with pytest.raises(ConfigError, match="loss.penalty: None -> 'r1'"):
    config_checks.resume_changes(_saved_without_penalty_fields(), current)


def test_a_config_saved_before_new_fields_gets_their_defaults():
  """Tools rebuild a run from its saved config: a run saved before a field
  existed (here BEGAN's and progressive growing's) must still load and pass
  the checks. This failed with KeyError 'began_lambda_k' before the fix."""
  saved = json.loads(json.dumps(tiny_config('dcgan').to_dict()))
  del saved['loss']['began_lambda_k'], saved['data']['pad_to']
  config = configs.with_defaults(saved)
  config_checks.check_config(config)
  assert config.loss.began_lambda_k == configs.base_config().loss.began_lambda_k
  assert config.model.width == saved['model']['width']  # saved values win
