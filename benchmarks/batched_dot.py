"""Why a vmapped population of dense GANs trails sequential runs on XLA:CPU.

  python benchmarks/batched_dot.py [--members=8] [--batch=100] [--repeats=30]
      [--pairs=5]

vmap turns each member's matmul x @ w into one batched dot over the member
axis. For the 2014 MNIST model's layer shapes this times, per layer, the P
matmuls as one batched dot (weights [P, in, out], as Flax stores them, and
[P, out, in]), as P dots in one program, and as P separate calls of a lone
dot, which is what P sequential runs do. Prints one JSON object, ms per P
matmuls (median of `--pairs` alternating rounds); `batched_vs_lone` is
the lone calls' time over the batched dot's (below 1: vmap is slower).
"""
import functools
import json
import statistics

import jax
import jax.numpy as jnp
from absl import app, flags

import harness

_MEMBERS = flags.DEFINE_integer('members', 8, 'Population size P.')
_BATCH = flags.DEFINE_integer('batch', 100, 'Rows per member.')
_REPEATS = flags.DEFINE_integer('repeats', 30, 'Calls per timing.')
_PAIRS = flags.DEFINE_integer('pairs', 5, 'Alternating rounds.')

# experiments/gan_mnist.py: G 100 -> 1200 -> 1200 -> 784, D 784 -> 240x5.
SHAPES = ((100, 1200), (1200, 1200), (1200, 784), (784, 1200))


def layer(fan_in: int, fan_out: int) -> dict[str, float]:
  p, key = _MEMBERS.value, jax.random.key(0)
  x = jax.random.normal(key, (p, _BATCH.value, fan_in))
  w = jax.random.normal(key, (p, fan_in, fan_out))
  w_t = jnp.swapaxes(w, 1, 2)
  variants = {
      'batched': (jax.jit(lambda x, w: jnp.einsum('pbi,pio->pbo', x, w)),
                  (x, w), 1),
      'batched_w_out_in': (jax.jit(lambda x, w: jnp.einsum('pbi,poi->pbo',
                                                           x, w)), (x, w_t), 1),
      'unrolled_one_program': (jax.jit(lambda x, w: jnp.stack(
          [x[i] @ w[i] for i in range(p)])), (x, w), 1),
      'lone_calls': (jax.jit(jnp.matmul), (x[0], w[0]), p),
  }
  seconds = harness.take_turns(
      {name: functools.partial(_ms, fn, args, calls)
       for name, (fn, args, calls) in variants.items()}, _PAIRS.value)
  out = {f'{name}_ms': round(statistics.median(t), 2)
         for name, t in seconds.items()}
  out['batched_vs_lone'] = round(out['lone_calls_ms'] / out['batched_ms'], 3)
  return out


def _ms(fn, args, calls: int) -> float:
  seconds = harness.seconds_per_call(fn, *args, repeats=_REPEATS.value)
  return seconds * 1e3 * calls


def main(argv):
  del argv
  result = {**harness.machine(), 'members': _MEMBERS.value,
            'batch': _BATCH.value}
  for fan_in, fan_out in SHAPES:
    result[f'{fan_in}x{fan_out}'] = layer(fan_in, fan_out)
  print(json.dumps(result, indent=1))


if __name__ == '__main__':
  app.run(main)
