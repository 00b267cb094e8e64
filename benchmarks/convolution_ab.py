"""DCGAN's training step with this tree's convolution forms against a commit's.

  python benchmarks/convolution_ab.py --against=REV [--batch_sizes=64,256,1024]
      [--pairs=7]

gan_jax.models.convolution chooses, per layer, the form XLA:CPU runs each
convolution and gradient in. To judge a change to those choices, this
compiles the step of experiments/dcgan.py (no EMA, as benchmarks/
throughput.py times it) twice in one process, once with `git show
REV:gan_jax/models/convolution.py` swapped in, and times the two
alternately (A B A B), so the machine's drift between runs cancels out.
`speedup` is the median over pairs of REV's time over this tree's. Prints
one JSON object.
"""
import importlib.util
import json
import pathlib
import statistics
import subprocess
import tempfile

from absl import app, flags

import harness
from gan_jax.models import convolution, dcgan, layers

_AGAINST = flags.DEFINE_string('against', 'HEAD', 'The git revision to time '
                               'against.')
_BATCHES = flags.DEFINE_list('batch_sizes', ['64', '256', '1024'],
                             'Batch sizes.')
_PAIRS = flags.DEFINE_integer('pairs', 7, 'Timed A/B pairs per batch size.')

ROOT = pathlib.Path(__file__).resolve().parents[1]


def module_at(revision: str):
  """gan_jax/models/convolution.py as it was at `revision`, imported."""
  source = subprocess.run(
      ['git', 'show', f'{revision}:gan_jax/models/convolution.py'],
      cwd=ROOT, check=True, capture_output=True, text=True).stdout
  path = pathlib.Path(tempfile.mkdtemp()) / 'convolution_at_revision.py'
  path.write_text(source)
  spec = importlib.util.spec_from_file_location(path.stem, path)
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module


def prepare(batch_size: int, module) -> harness.Prepared:
  """The step compiled with `module`'s convolutions in DCGAN's layers."""
  dcgan.conv_general_dilated = module.conv_general_dilated
  layers.convolution = module
  try:
    config = harness.experiment('dcgan')
    config.train.batch_size = batch_size
    config.train.ema_decay = 0.0
    return harness.prepare(config)
  finally:
    dcgan.conv_general_dilated = convolution.conv_general_dilated
    layers.convolution = convolution


def compare(batch_size: int, baseline) -> dict:
  sides = {'revision': prepare(batch_size, baseline),
           'tree': prepare(batch_size, convolution)}
  steps = max(2, 2048 // batch_size)
  seconds = harness.take_turns(
      {name: harness.Stepper(p, steps) for name, p in sides.items()},
      _PAIRS.value)
  ms = lambda name: round(statistics.median(seconds[name]) / steps * 1e3, 1)
  return {'batch_size': batch_size,
          'revision_ms_per_step': ms('revision'),
          'tree_ms_per_step': ms('tree'),
          'speedup': harness.median_ratio(seconds['revision'], seconds['tree'])}


def main(argv):
  del argv
  baseline = module_at(_AGAINST.value)
  print(json.dumps({**harness.machine(), 'against': _AGAINST.value,
                    'pairs': _PAIRS.value,
                    'results': [compare(int(b), baseline)
                                for b in _BATCHES.value]}, indent=1))


if __name__ == '__main__':
  app.run(main)
