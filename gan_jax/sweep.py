"""Sweeps: one experiment, many override points, each in its own workdir.

A sweep file is Python, in the ml_collections style of experiments/*.py:

  CONFIG = 'experiments/dcgan.py:steps=500'
  def get_sweep():
    return sweep.product({'optim.g.learning_rate': [1e-4, 2e-4]})

`get_sweep()` returns a list of override dicts ({'a.b': value}). Every point
is trained by `launch.sh` (so a sweep runs exactly what a single run would),
in `ROOT/<its overrides>`, and ROOT/sweep.json records which point went where
for `python -m gan_jax.report ROOT`. Targets:
  local       one point after another on this machine;
  population  all points as one population run (`config.population`), when
              they differ only in seed and learning rate;
  tpu         one point after another on a Cloud TPU slice (launch.sh tpu).

  ./launch.sh sweep SWEEP_FILE --workdir=ROOT [--target=local]
(which runs `python -m gan_jax.run_sweep`).
"""
import importlib.util
import itertools
import json
import pathlib
import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from etils import epath

from gan_jax import configs
from gan_jax.errors import ConfigError

LAUNCH = pathlib.Path(__file__).resolve().parents[1] / 'launch.sh'
TARGETS = ('local', 'population', 'tpu')
# Keys a population member may vary (gan_jax.population): its seed and one
# learning rate shared by G and D.
_LR_KEYS = ('optim.g.learning_rate', 'optim.d.learning_rate')

Overrides = dict[str, Any]


class Point(NamedTuple):
  name: str
  overrides: Overrides
  workdir: str


class Sweep(NamedTuple):
  config: str
  points: list[Overrides]


def product(axes: dict[str, Sequence[Any]]) -> list[Overrides]:
  """The grid over `axes` ({'a.b': [values]}), last axis varying fastest."""
  names = list(axes)
  return [dict(zip(names, values))
          for values in itertools.product(*(axes[n] for n in names))]


def load(path: str) -> Sweep:
  file = pathlib.Path(path)
  if not file.is_file():
    raise ConfigError(f'sweep file {path!r} not found')
  spec = importlib.util.spec_from_file_location(f'_sweep_{file.stem}', file)
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  if not isinstance(getattr(module, 'CONFIG', None), str) or not callable(
      getattr(module, 'get_sweep', None)):
    raise ConfigError(f'sweep file {path} must define CONFIG (an experiment, '
                      "e.g. 'experiments/dcgan.py') and get_sweep()")
  points = list(module.get_sweep())
  if not points or not all(isinstance(p, dict) for p in points):
    raise ConfigError(f'{path}: get_sweep() must return a non-empty list of '
                      "override dicts such as {'optim.g.learning_rate': 1e-4}")
  _check_keys(module.CONFIG, points)
  return Sweep(module.CONFIG, points)


def _check_keys(config_spec: str, points: list[Overrides]) -> None:
  """Fails before anything runs if a point names a key the config lacks."""
  config = configs.load_experiment(config_spec)
  for key in sorted({k for p in points for k in p}):
    node = config
    for part in key.split('.'):
      if not hasattr(node, 'keys') or part not in node:
        raise ConfigError(f'sweep key {key!r} is not in {config_spec}; keys '
                          f'there: {", ".join(sorted(config.keys()))}')
      node = node[part]


def point_name(overrides: Overrides, keys: Sequence[str] | None = None) -> str:
  """A readable, filesystem-safe folder name, e.g. 'optim.g.lr=0.0002',
  from `keys` of the overrides (the ones that vary over the sweep)."""
  keys = sorted(overrides if keys is None else keys)
  text = ','.join(f'{k}={configs.as_flags({k: overrides.get(k)})[0].split("=", 1)[1]}'
                  for k in keys)
  return re.sub(r'[^\w.=,+-]', '_', text) or 'default'


def point_names(points: list[Overrides]) -> list[str]:
  """Names from the keys whose values differ between points."""
  keys = sorted({k for p in points for k in p})
  varying = [k for k in keys if len({repr(p.get(k)) for p in points}) > 1]
  return [point_name(p, varying) for p in points]


def plan_points(sweep: Sweep, root: str) -> list[Point]:
  names = point_names(sweep.points)
  if len(set(names)) != len(names):
    raise ConfigError('two sweep points have the same overrides')
  return [Point(n, p, str(epath.Path(root) / n))
          for n, p in zip(names, sweep.points)]


def as_population(sweep: Sweep, root: str) -> tuple[Overrides, list[Point]]:
  """One population run that trains every point, or why it cannot.

  Member i has seed config.seed + i and its own learning rate, so points may
  differ only in those, with seeds (if given) consecutive in sweep order.
  """
  common = {k: v for k, v in sweep.points[0].items()
            if k not in ('seed', *_LR_KEYS)}
  for p in sweep.points:
    others = {k: v for k, v in p.items() if k not in ('seed', *_LR_KEYS)}
    if others != common:
      raise ConfigError(
          'target=population needs points that differ only in seed and '
          f'learning rate; {point_name(p)} also changes '
          f'{", ".join(sorted(k for k in {*others, *common} if others.get(k) != common.get(k)))}')
    rates = {p[k] for k in _LR_KEYS if k in p}
    if len(rates) > 1 or (rates and not all(k in p for k in _LR_KEYS)):
      raise ConfigError('target=population gives G and D one learning rate '
                        'per member; set optim.g.learning_rate and '
                        f'optim.d.learning_rate equal in {point_name(p)}')
  seeds = [p.get('seed') for p in sweep.points]
  if any(s is not None for s in seeds):
    if seeds != list(range(seeds[0], seeds[0] + len(seeds))):
      raise ConfigError('target=population needs consecutive seeds in sweep '
                        f'order, got {seeds}')
  overrides = {**common, 'population': len(sweep.points)}
  if seeds[0] is not None:
    overrides['seed'] = seeds[0]
  rates = [p.get(_LR_KEYS[0]) for p in sweep.points]
  if any(r is not None for r in rates):
    if any(r is None for r in rates):
      raise ConfigError('target=population: set the learning rate in every '
                        'point or in none')
    overrides['population_lrs'] = ','.join(map(str, rates))
  run_dir = epath.Path(root) / 'population'
  points = [Point(n, p, str(run_dir / 'members' / str(i)))
            for i, (n, p) in enumerate(zip(point_names(sweep.points),
                                           sweep.points))]
  return overrides, points


def commands(sweep: Sweep, root: str, target: str,
             tpu_args: Sequence[str] = ()) -> tuple[list[list[str]],
                                                    list[Point]]:
  """The launch.sh command lines that run the sweep, and where each point
  will be; pure, so a dry run prints exactly what a real run executes."""
  if target not in TARGETS:
    raise ConfigError(f'unknown sweep target {target!r}; choose one of: '
                      f'{", ".join(TARGETS)}')
  if target == 'population':
    overrides, points = as_population(sweep, root)
    return [[str(LAUNCH), 'local', sweep.config,
             f'--workdir={epath.Path(root) / "population"}',
             *configs.as_flags(overrides)]], points
  points = plan_points(sweep, root)
  launch = [str(LAUNCH), 'local'] if target == 'local' else [
      str(LAUNCH), 'tpu', *tpu_args]
  return [[*launch, sweep.config, f'--workdir={p.workdir}',
           *configs.as_flags(p.overrides)] for p in points], points


def write_index(root: str, sweep: Sweep, target: str,
                points: list[Point]) -> None:
  folder = epath.Path(root)
  folder.mkdir(parents=True, exist_ok=True)
  (folder / 'sweep.json').write_text(json.dumps({
      'config': sweep.config, 'target': target,
      'points': [p._asdict() for p in points]}, indent=1, default=str))
