"""Command line: python -m gan_jax.main --config=experiments/X.py --workdir=DIR.

Any config field can be overridden with --config.a.b=value, and
--config=experiments/X.py:ARG passes ARG to get_config (see gan_jax.configs).
On several hosts, run the same command on each, with the process layout in
flags or the environment (see gan_jax.distributed; launch.sh does this).
"""
if __name__ == '__main__':  # before anything starts JAX
  from gan_jax import cpu_speed  # pylint: disable=g-import-not-at-top
  cpu_speed.apply()

from absl import flags  # pylint: disable=g-import-not-at-top,wrong-import-position
from absl import logging
from ml_collections import config_flags

from gan_jax import cli, distributed, train

_WORKDIR = flags.DEFINE_string('workdir', None, 'Directory for checkpoints, '
                               'samples and logs; an existing run resumes.')
_CONFIG = config_flags.DEFINE_config_file(
    'config', None, 'An experiments/*.py file, optionally followed by :ARG.',
    lock_config=True)
_COORDINATOR = flags.DEFINE_string(
    'coordinator_address', None, 'host:port of process 0, for multi-process '
    f'runs (or ${distributed.ENV["coordinator_address"]}).')
_NUM_PROCESSES = flags.DEFINE_integer(
    'num_processes', None, 'Processes in a multi-process run '
    f'(or ${distributed.ENV["num_processes"]}).')
_PROCESS_ID = flags.DEFINE_integer(
    'process_id', None, 'This process, 0..num_processes-1 '
    f'(or ${distributed.ENV["process_id"]}).')
flags.mark_flags_as_required(['config', 'workdir'])


def main(argv: list[str]) -> None:
  cli.no_positional_args(argv)
  distributed.initialize(distributed.layout_from(
      _COORDINATOR.value, _NUM_PROCESSES.value, _PROCESS_ID.value))
  if not distributed.is_main_process():
    logging.set_verbosity(logging.WARNING)  # one console log, from process 0
  train.train_and_evaluate(_CONFIG.value, _WORKDIR.value)


if __name__ == '__main__':
  cli.run(main)
