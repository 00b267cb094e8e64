"""Trains the 2014 paper's MNIST GAN and scores it with the full metric suite.

  python benchmarks/reproduce_goodfellow2014.py [--workdir=runs/goodfellow2014]
      [--config=experiments/gan_mnist.py[:epochs=N]] [--num_samples=10000]

Resumable: rerunning continues the run in --workdir. Prints one JSON object
with the training time, the machine and every metric (Parzen log-likelihood
with the paper's protocol among them), beside the paper's Table 1. The same
script scores DCGAN with --config=experiments/dcgan.py.
"""
import json
import platform
import time

import jax
from absl import app, flags

from gan_jax import configs, evaluation, saved_run, train

_WORKDIR = flags.DEFINE_string('workdir', 'runs/goodfellow2014',
                               'Training workdir (resumed if present).')
_CONFIG = flags.DEFINE_string('config', 'experiments/gan_mnist.py',
                              'Experiment, optionally with :ARG.')
_NUM = flags.DEFINE_integer('num_samples', 10_000, 'Generated images scored.')

PAPER_TABLE_1 = {'adversarial nets': '225 ± 2', 'Deep GSN': '214 ± 1.1',
                 'DBN': '138 ± 2', 'Stacked CAE': '121 ± 1.6'}


def main(argv):
  del argv
  config = configs.load_experiment(_CONFIG.value)
  start = time.perf_counter()
  train.train_and_evaluate(config, _WORKDIR.value)
  train_s = time.perf_counter() - start
  run = saved_run.load_run(_WORKDIR.value)
  start = time.perf_counter()
  record = evaluation.evaluate_samples(
      saved_run.generate(run, saved_run.noise(run, _NUM.value)), run.config,
      run.step, evaluation.parse_metrics('fid,kid,is,pr,dc,parzen'),
      run.workdir)
  print(json.dumps({
      'config': _CONFIG.value, 'steps': run.step,
      'train_s_this_invocation': round(train_s, 1),
      'eval_s': round(time.perf_counter() - start, 1),
      'device': str(jax.devices()[0]), 'machine': platform.processor(),
      **record, 'paper_mnist_parzen_nats': PAPER_TABLE_1}, indent=1))


if __name__ == '__main__':
  app.run(main)
