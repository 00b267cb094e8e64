"""Why the test suite compiles with LLVM optimisation off (tests/conftest.py).

  python benchmarks/suite_compile_time.py [--models=dcgan,maxout_mlp]

For each tests/tiny.py model, in a fresh process per XLA_FLAGS setting
(XLA reads the flags once), times lowering and XLA compilation of the
initial-state program and of one training step, with XLA's defaults and
with the suite's flags. Prints one JSON object.
"""
import functools
import json
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / 'tests')]

def _child(model: str) -> dict:
  import jax  # pylint: disable=g-import-not-at-top
  import numpy as np  # pylint: disable=g-import-not-at-top
  from gan_jax import parallel  # pylint: disable=g-import-not-at-top
  from gan_jax.data.sampler import DeviceData  # pylint: disable=g-import-not-at-top
  from gan_jax.train import build_gan, make_dataset_step  # pylint: disable=g-import-not-at-top
  from gan_jax.train_step import state_factory  # pylint: disable=g-import-not-at-top
  from tiny import tiny_config  # pylint: disable=g-import-not-at-top

  config = tiny_config(model)
  shape = (2,) if config.model.name == 'mlp' else (28, 28, 1)
  data = np.zeros((64, *shape), np.float32 if len(shape) == 1 else np.uint8)
  gan = build_gan(config, shape, len(data))
  result = {}

  def timed(name, jitted, *args):
    start = time.perf_counter()
    lowered = jitted.lower(*args)
    middle = time.perf_counter()
    compiled = lowered.compile()
    result[f'{name}_lower_s'] = round(middle - start, 3)
    result[f'{name}_compile_s'] = round(time.perf_counter() - middle, 3)
    return compiled

  state = timed('init', jax.jit(functools.partial(
      state_factory(gan, shape), 0)))()
  timed('step', jax.jit(make_dataset_step(gan, config.train.batch_size,
                                          parallel.make_mesh())),
        state, DeviceData(data, None))
  return result


def main() -> None:
  if len(sys.argv) > 1 and sys.argv[1] == '--child':
    print(json.dumps(_child(sys.argv[2])))
    return
  # The suite's own flags, not a copy (conftest imports no JAX).
  from conftest import TEST_XLA_FLAGS  # pylint: disable=g-import-not-at-top
  settings = {'xla_default': '', 'tests': TEST_XLA_FLAGS}
  models = ['dcgan', 'maxout_mlp']
  for arg in sys.argv[1:]:
    if arg.startswith('--models='):
      models = arg.split('=', 1)[1].split(',')
  result = {'benchmark': 'suite_compile_time'}
  for model in models:
    for setting, flags in settings.items():
      env = {k: v for k, v in os.environ.items()
             if k not in ('XLA_FLAGS', 'JAX_COMPILATION_CACHE_DIR')}
      out = subprocess.run([sys.executable, __file__, '--child', model],
                           env=dict(env, XLA_FLAGS=flags, JAX_PLATFORMS='cpu'),
                           check=True, capture_output=True, text=True)
      result[f'{model}/{setting}'] = json.loads(out.stdout.splitlines()[-1])
  print(json.dumps(result, indent=1))


if __name__ == '__main__':
  main()
