"""Throughput of P GANs as one population against P runs one after another.

  python benchmarks/population_speed.py [--members=8] [--pairs=3] [--steps=3]
      [--experiments=dcgan,gan_mnist] [--loop=auto|vmap|unroll]

P sequential runs train at the rate of one run, so the comparison is the
population's images/s (P members x batch per step) against one lone run's,
timed alternately (A B A B) after compilation. Prints one JSON object.

Each side also reports its step's temporaries (XLA's one scratch buffer per
call) and the kernel's CPU time per member-update: where glibc maps such a
buffer afresh each call, the kernel faults it in and zeroes it again on
every step (gan_jax.cpu_speed says how gan_jax's process settings avoid
that).
"""
import functools
import json
import resource
import statistics

from absl import app, flags

import harness
from gan_jax import cpu_speed, population as populations

_MEMBERS = flags.DEFINE_integer('members', 8, 'Population size P.')
_PAIRS = flags.DEFINE_integer('pairs', 3, 'Timed A/B pairs.')
_STEPS = flags.DEFINE_integer('steps', 3, 'Population steps per timed run.')
_LOOP = flags.DEFINE_enum('loop', 'auto', list(populations.LOOPS),
                          "The population's config.population_loop.")
_EXPERIMENTS = harness.experiments_flag()


def compare(name: str) -> dict:
  lone_config = harness.experiment(name)
  population_config = harness.experiment(name)
  population_config.population = _MEMBERS.value
  population_config.population_loop = _LOOP.value
  lone = harness.prepare(lone_config)
  population = harness.prepare(population_config, images=lone.images)
  updates = _MEMBERS.value * _STEPS.value  # member-updates per round, each side
  images = lone_config.train.batch_size * updates
  kernel_s = {'sequential': 0.0, 'population': 0.0}
  sides = {'sequential': harness.Stepper(lone, updates),
           'population': harness.Stepper(population, _STEPS.value)}
  seconds = harness.take_turns(
      {side: functools.partial(_run_counting_kernel_time, run, kernel_s, side)
       for side, run in sides.items()}, _PAIRS.value)
  rate = lambda side: round(
      statistics.median(images / s for s in seconds[side]), 1)
  return {'batch_size_per_member': lone_config.train.batch_size,
          'loop': populations.loop(population_config),
          'sequential_images_per_s': rate('sequential'),
          'population_images_per_s': rate('population'),
          'ratio_population_vs_sequential': harness.median_ratio(
              seconds['sequential'], seconds['population']),
          'population_compile_s': round(population.compile_s, 2),
          'lone_compile_s': round(lone.compile_s, 2),
          'sequential_temp_mb': _temp_mb(lone),
          'population_temp_mb': _temp_mb(population),
          **{f'{side}_kernel_ms_per_update': round(
              1e3 * t / (_PAIRS.value * updates), 2)
             for side, t in kernel_s.items()}}


def _run_counting_kernel_time(run, kernel_s: dict[str, float],
                              side: str) -> float:
  """run()'s seconds; its kernel CPU time is added to kernel_s[side]."""
  before = _kernel_s()
  seconds = run()
  kernel_s[side] += _kernel_s() - before
  return seconds


def _kernel_s() -> float:
  """System CPU seconds of this process so far (page faults among them)."""
  return resource.getrusage(resource.RUSAGE_SELF).ru_stime


def _temp_mb(prepared: harness.Prepared) -> float:
  return round(cpu_speed.temp_bytes(prepared.step) / 2**20, 1)


def main(argv):
  del argv
  result = {**harness.machine(), 'members': _MEMBERS.value,
            'pairs': _PAIRS.value}
  for name in _EXPERIMENTS.value:
    result[name] = compare(name)
  print(json.dumps(result, indent=1))


if __name__ == '__main__':
  app.run(main)
