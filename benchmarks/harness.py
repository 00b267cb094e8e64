"""What every speed benchmark needs: the training loop's own compiled step.

The step is `train.compile_train_step` (explicit shardings, donated state),
fed by the real on-device sampler, so a benchmark times what training runs,
under the process settings `python -m gan_jax.main` applies (importing this
module restarts a benchmark with them; see gan_jax.cpu_speed).
"""
from gan_jax import cpu_speed
cpu_speed.apply()

# pylint: disable=g-import-not-at-top,wrong-import-position
from collections.abc import Callable, Iterable, Mapping
import os
import pathlib
import platform
import statistics
import time
from typing import Any, NamedTuple

import jax
import ml_collections

from gan_jax import configs, parallel, population, train
from gan_jax.train_step import Gan, state_factory

EXPERIMENTS = pathlib.Path(__file__).resolve().parents[1] / 'experiments'


class Prepared(NamedTuple):
  gan: Gan
  step: Any          # jitted (state, dataset) -> (state, metrics)
  state: Any
  dataset: jax.Array
  images: Any        # the host copy, uint8 [N, H, W, C]
  compile_s: float   # lowering + XLA compilation
  flops: float       # per step, from XLA's cost analysis


def experiments_flag():
  """--experiments: the experiments/*.py names a benchmark times."""
  from absl import flags  # pylint: disable=g-import-not-at-top
  return flags.DEFINE_list('experiments', ['dcgan', 'gan_mnist'],
                           'experiments/*.py names.')


def experiment(name: str, arg: str | None = None) -> ml_collections.ConfigDict:
  spec = str(EXPERIMENTS / f'{name}.py') + (f':{arg}' if arg else '')
  return configs.load_experiment(spec)


def prepare(config: ml_collections.ConfigDict, images=None) -> Prepared:
  """Builds, compiles and cost-analyses the step for `config`."""
  mesh = parallel.make_mesh()
  images = train.load_training_images(config) if images is None else images
  gan = train.build_gan(config, images.shape[1:], len(images))
  members = config.population
  init = population.make_init(state_factory(gan, images.shape[1:]),
                                config)
  state = jax.jit(init, out_shardings=parallel.state_sharding(
      mesh, members))()
  dataset = train.put_dataset(images, mesh)
  start = time.perf_counter()
  compiled = train.compile_train_step(gan, config.train.batch_size, mesh,
                                      state, dataset, members,
                                      population.loop(config))
  compile_s = time.perf_counter() - start
  cost = compiled.cost_analysis()
  cost = cost[0] if isinstance(cost, list) else cost
  return Prepared(gan, compiled, state, dataset, images, compile_s,
                  float(cost.get('flops', 0.0)))


def run_steps(prepared: Prepared, state, steps: int):
  """(state, seconds) for `steps` updates, waiting for the last to finish."""
  start = time.perf_counter()
  for _ in range(steps):
    state, metrics = prepared.step(state, prepared.dataset)
  jax.block_until_ready((state, metrics))
  return state, time.perf_counter() - start


class Stepper:
  """A side for `take_turns`: each call times `steps` more updates of
  `prepared`, carrying the state along (after 2 untimed warm-up steps)."""

  def __init__(self, prepared: Prepared, steps: int, state=None):
    self.prepared, self.steps = prepared, steps
    self.state, _ = run_steps(prepared, prepared.state if state is None
                              else state, 2)

  def __call__(self) -> float:
    self.state, seconds = run_steps(self.prepared, self.state, self.steps)
    return seconds


def take_turns(sides: Mapping[str, Callable[[], float]],
               rounds: int) -> dict[str, list[float]]:
  """Each side's seconds per round, the sides taking turns (A B A B ...)
  so that the machine's drift during a benchmark hits them all alike."""
  seconds = {name: [] for name in sides}
  for _ in range(rounds):
    for name, side in sides.items():
      seconds[name].append(side())
  return seconds


def median_ratio(numerators: Iterable[float],
                 denominators: Iterable[float]) -> float:
  """The median of the per-round ratios: steadier than the ratio of the
  medians when the machine's speed drifts between rounds."""
  return round(statistics.median(a / b for a, b in zip(numerators,
                                                       denominators)), 3)


def seconds_per_call(fn, *args, repeats: int) -> float:
  """Mean seconds of `repeats` calls of fn(*args), after one untimed call
  (compilation) and waiting for the last result."""
  jax.block_until_ready(fn(*args))
  start = time.perf_counter()
  for _ in range(repeats):
    out = fn(*args)
  jax.block_until_ready(out)
  return (time.perf_counter() - start) / repeats


# Vector units that decide XLA:CPU's and PyTorch's matmul speed.
_CPU_FEATURES = ('avx2', 'fma', 'avx512f', 'avx512_bf16', 'amx_tile')


def cpu_model() -> dict:
  """The host CPU's model name and vector units, from /proc/cpuinfo.

  The project's 2-core machines have not all been the same CPU, so a
  figure is only comparable with another measured on the same model.
  """
  try:
    cpuinfo = pathlib.Path('/proc/cpuinfo').read_text()
  except OSError:   # not Linux: `machine()['cpu']` is all there is
    cpuinfo = ''
  fields = {}
  for line in cpuinfo.splitlines():
    key, _, value = line.partition(':')
    fields.setdefault(key.strip(), value.strip())
  flags = set(fields.get('flags', '').split())
  return {'cpu_model': fields.get('model name', ''),
          'cpu_features': [f for f in _CPU_FEATURES if f in flags]}


def machine() -> dict:
  return {'devices': [str(d) for d in jax.devices()],
          'device_kind': jax.devices()[0].device_kind,
          'cpu': platform.processor() or platform.machine(),
          **cpu_model(),
          'cpu_count': os.cpu_count(), 'jax': jax.__version__,
          'date': time.strftime('%Y-%m-%d'),
          # Other work on the machine slows every figure; this says how much.
          'load_average_1min': round(os.getloadavg()[0], 2),
          'process_settings': {
              **{k: os.environ.get(k, '')
                 for k in ('XLA_FLAGS', 'GLIBC_TUNABLES')},
              'jax_cpu_enable_async_dispatch':
                  jax.config.values['jax_cpu_enable_async_dispatch']}}
