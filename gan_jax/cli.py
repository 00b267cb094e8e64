"""Shared command-line plumbing: user errors become one line and exit code 2.

ml_collections reacts to a misspelt `--config.a.b` with a KeyError traceback
at flag-parse time, and to a missing config file only when the config is
first read. `run` parses the flags itself and translates those failures, and
any `GanJaxError` raised later, into a single line that names the problem and
the valid choices. Anything else is a bug and keeps its traceback.
"""
import difflib
import logging
import pathlib
import re
import sys
from collections.abc import Callable

import ml_collections
from absl import app, flags
from absl import logging as absl_logging

from gan_jax import configs
from gan_jax.errors import ConfigError, GanJaxError, Interrupted

EXIT_USER_ERROR = 2


def fail(message: str) -> None:
  print(f'error: {" ".join(message.split())}', file=sys.stderr)
  sys.exit(EXIT_USER_ERROR)


def no_positional_args(argv: list[str]) -> None:
  if len(argv) > 1:
    raise ConfigError(f'unexpected arguments: {" ".join(argv[1:])}')


def _config_arg(argv: list[str]) -> str | None:
  for i, arg in enumerate(argv):
    if arg.startswith('--config='):
      return arg.split('=', 1)[1]
    if arg == '--config' and i + 1 < len(argv):
      return argv[i + 1]
  return None


def _check_config_file(argv: list[str]) -> None:
  spec = _config_arg(argv)
  if spec is None:
    return
  path = pathlib.Path(spec.split(':', 1)[0])
  if not path.is_file():
    folder = path.parent if path.parent.is_dir() else pathlib.Path('experiments')
    choices = sorted(str(p) for p in folder.glob('*.py'))
    raise ConfigError(f'config file {str(path)!r} not found; available: '
                      f'{", ".join(choices) or "none in " + str(folder)}')


def _explain_override(argv: list[str]) -> str | None:
  """Names the first --config.a.b=v that does not fit the config, and why."""
  config = configs.load_experiment(_config_arg(argv))
  for arg in argv[1:]:
    match = re.fullmatch(r'--config\.([\w.]+)(?:=(.*))?', arg, re.DOTALL)
    if not match:
      continue
    path, value = match.group(1), match.group(2)
    node, parts = config, path.split('.')
    for i, part in enumerate(parts):
      if not isinstance(node, ml_collections.ConfigDict) or part not in node:
        where = '.'.join(['config', *parts[:i]])
        if not isinstance(node, ml_collections.ConfigDict):
          return f'config.{path}: {where} is a value, not a group of keys'
        keys = sorted(node.keys())
        close = difflib.get_close_matches(part, keys, n=1)
        hint = f' (did you mean {close[0]!r}?)' if close else ''
        return (f'unknown config key config.{path}{hint}; keys in {where}: '
                f'{", ".join(keys)}')
      node = node[part]
    if value is not None and isinstance(node, (int, float, bool)):
      kind = type(node).__name__
      return f'config.{path} expects a value of type {kind}, got {value!r}'
  return None


def parse_flags(argv: list[str]) -> list[str]:
  """absl flag parsing, with configuration mistakes reported as one line."""
  try:
    _check_config_file(argv)
    return flags.FLAGS(argv)
  except GanJaxError as e:
    fail(str(e))
  except (flags.Error, KeyError, AttributeError, TypeError, ValueError) as e:
    try:
      explained = _explain_override(argv)
    except Exception:  # pylint: disable=broad-except
      explained = None
    fail(explained or str(e).strip('"\''))


def _only_our_info(record: logging.LogRecord) -> bool:
  """Orbax and TFDS log dozens of INFO lines per checkpoint; keep ours."""
  package = pathlib.Path(__file__).parent
  return (record.levelno >= logging.WARNING or
          pathlib.Path(record.pathname).is_relative_to(package))


def run(main: Callable[[list[str]], None]) -> None:
  """Like absl.app.run, but user errors exit with code 2 and one line."""

  def guarded(argv: list[str]) -> None:
    absl_logging.get_absl_handler().addFilter(_only_our_info)
    try:
      main(argv)
    except GanJaxError as e:
      fail(str(e))
    except Interrupted as e:
      print(f'stopped by signal {e.signum} at step {e.step}; checkpoint saved; '
            'run the same command to resume', file=sys.stderr)
      sys.exit(128 + e.signum)

  app.run(guarded, flags_parser=parse_flags)
