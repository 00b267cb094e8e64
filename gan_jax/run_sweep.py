"""Command line for sweeps: python -m gan_jax.run_sweep SWEEP_FILE --workdir=ROOT.

The sweep itself (file format, targets, where points go) is gan_jax.sweep;
this only runs the command lines it plans, one after another, and stops at
the first point that fails.
"""
import shlex
import subprocess
import sys

from absl import flags

from gan_jax import cli
from gan_jax.errors import ConfigError
from gan_jax.sweep import TARGETS, commands, load, write_index

_WORKDIR = flags.DEFINE_string('workdir', None, 'Root folder of the sweep.')
_TARGET = flags.DEFINE_enum('target', 'local', TARGETS, 'Where points run.')
_DRY_RUN = flags.DEFINE_bool('dry_run', False, 'Print the commands only.')
_TPU_ARGS = flags.DEFINE_string(
    'tpu_args', '', "For target=tpu: launch.sh tpu's options, e.g. "
    "'--tpu NAME --zone ZONE'.")


def main(argv: list[str]) -> None:
  if len(argv) != 2:
    raise ConfigError('usage: python -m gan_jax.run_sweep SWEEP_FILE '
                      '--workdir=ROOT [--target=local|population|tpu]')
  if not _WORKDIR.value:
    raise ConfigError('--workdir=ROOT is required: each point gets a folder '
                      'under it')
  sweep = load(argv[1])
  extra = shlex.split(_TPU_ARGS.value) + (['--dry-run'] if _DRY_RUN.value and
                                          _TARGET.value == 'tpu' else [])
  todo, points = commands(sweep, _WORKDIR.value, _TARGET.value, extra)
  if _DRY_RUN.value and _TARGET.value != 'tpu':
    for command in todo:
      print(shlex.join(command))
    return
  if not _DRY_RUN.value:  # (launch.sh tpu --dry-run prints its own commands)
    write_index(_WORKDIR.value, sweep, _TARGET.value, points)
  for i, command in enumerate(todo):
    print(f'sweep: {i + 1}/{len(todo)}: {shlex.join(command)}', flush=True)
    result = subprocess.run(command, check=False)
    if result.returncode:
      sys.exit(result.returncode)


if __name__ == '__main__':
  cli.run(main)
