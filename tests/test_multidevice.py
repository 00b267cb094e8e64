"""1 device and 8 devices compute the same update for the same global batch.

Run with SGD as well as Adam: Adam's normalisation hides gradients that are
a constant factor off (e.g. summed instead of averaged over devices). The
maxout D uses dropout, so this also checks that random masks do not depend
on how the batch is sharded; DCGAN checks global batch-norm statistics.
"""
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from tiny import device_flags

HERE = pathlib.Path(__file__).parent


def _run(tmp_path, name, devices, model, overrides):
  env = dict(os.environ, PYTHONPATH=f'{HERE}:{HERE.parent}',
             XLA_FLAGS=device_flags(devices),
             JAX_PLATFORMS='cpu')
  out = tmp_path / f'{name}.npz'
  subprocess.run([sys.executable, str(HERE / 'dump_run.py'), model,
                  str(tmp_path / name), str(out), *overrides],
                 env=env, check=True, capture_output=True, timeout=600)
  return np.load(out)


@pytest.mark.parametrize('model,optimizer', [('maxout_mlp', 'sgd'),
                                             ('dcgan', 'adam')])
def test_eight_devices_match_one(tmp_path, model, optimizer):
  overrides = ['train.num_steps=5', 'train.checkpoint_every=100',
               'train.sample_every=100', 'train.batch_size=16']
  one = _run(tmp_path, 'one', 1, model, overrides)
  eight = _run(tmp_path, 'eight', 8, model, overrides)
  assert int(one['devices']) == 1 and int(eight['devices']) == 8
  assert one.files == eight.files
  compared = 0
  for name in one.files:
    if name == 'devices':
      continue
    np.testing.assert_allclose(eight[name], one[name], atol=1e-4, rtol=0,
                               err_msg=name)
    compared += 1
  assert compared > 10


def test_a_population_split_over_devices_matches_one_device(tmp_path):
  # DCGAN on CPU: the members are unrolled (population.loop), each member's
  # slice living on its own device.
  overrides = ['train.num_steps=3', 'train.checkpoint_every=100',
               'train.sample_every=100', 'train.batch_size=8', 'population=2']
  one = _run(tmp_path, 'one', 1, 'dcgan', overrides)
  two = _run(tmp_path, 'two', 2, 'dcgan', overrides)
  assert int(two['devices']) == 2 and one.files == two.files
  for name in one.files:
    if name != 'devices':
      np.testing.assert_allclose(two[name], one[name], atol=1e-4, rtol=0,
                                 err_msg=name)
