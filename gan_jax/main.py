"""Command line: python -m gan_jax.main --config=experiments/X.py --workdir=DIR.

Any config field can be overridden with --config.a.b=value, and
--config=experiments/X.py:ARG passes ARG to get_config (see gan_jax.configs).
"""
from absl import flags
from ml_collections import config_flags

from gan_jax import cli, train

_WORKDIR = flags.DEFINE_string('workdir', None, 'Directory for checkpoints, '
                               'samples and logs; an existing run resumes.')
_CONFIG = config_flags.DEFINE_config_file(
    'config', None, 'An experiments/*.py file, optionally followed by :ARG.',
    lock_config=True)
flags.mark_flags_as_required(['config', 'workdir'])


def main(argv: list[str]) -> None:
  cli.no_positional_args(argv)
  train.train_and_evaluate(_CONFIG.value, _WORKDIR.value)


if __name__ == '__main__':
  cli.run(main)
