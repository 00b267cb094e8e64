"""DCGAN's four convolutions: lax autodiff against gan_jax.models.convolution.

  python benchmarks/conv_speed.py [--batch_size=1024] [--repeats=3]

For each layer of experiments/dcgan.py's networks (28x28, width 64) it
times the forward pass, the input gradient and the kernel gradient, both as
autodiff of lax's convolution and as gan_jax computes them (identical
results: tests/test_convolution.py), and the PyTorch reference's layer
forward and forward+backward when torch is installed. Milliseconds, best of
`repeats` after one untimed call. Prints JSON.
"""
import json
import sys
import time

import jax
import numpy as np
from absl import app, flags

import harness
from gan_jax.models import convolution

_BATCH = flags.DEFINE_integer('batch_size', 1024, 'Batch size.')
_REPEATS = flags.DEFINE_integer('repeats', 3, 'Timed calls per figure.')
_DIMS = ('NHWC', 'HWIO', 'NHWC')

# name: (transposed?, input H=W, in features, out features)
LAYERS = {'G.up1': (True, 7, 256, 128), 'G.up2': (True, 14, 128, 1),
          'D.conv1': (False, 28, 1, 64), 'D.conv2': (False, 14, 64, 128)}


def _best_ms(fn, *args) -> float:
  jax.block_until_ready(fn(*args))
  best = float('inf')
  for _ in range(_REPEATS.value):
    start = time.perf_counter()
    jax.block_until_ready(fn(*args))
    best = min(best, time.perf_counter() - start)
  return round(best * 1000, 1)


def _forms(transposed: bool):
  if transposed:
    lax = lambda x, k: jax.lax.conv_transpose(x, k, (2, 2), 'SAME',
                                              dimension_numbers=_DIMS)
    return lax, lambda x, k: convolution.conv_transpose_same(x, k, (2, 2))
  lax = lambda x, k: jax.lax.conv_general_dilated(x, k, (2, 2), 'SAME',
                                                  dimension_numbers=_DIMS)
  return lax, lambda x, k: convolution.conv_same(x, k, (2, 2))


def _time_form(fn, x, kernel) -> dict:
  y = jax.jit(fn)(x, kernel)
  grad = np.random.default_rng(1).normal(size=y.shape).astype(np.float32)
  vjp = lambda x, k, g: jax.vjp(fn, x, k)[1](g)
  return {'forward': _best_ms(jax.jit(fn), x, kernel),
          'input_grad': _best_ms(jax.jit(lambda *a: vjp(*a)[0]), x, kernel,
                                 grad),
          'kernel_grad': _best_ms(jax.jit(lambda *a: vjp(*a)[1]), x, kernel,
                                  grad)}


def _time_torch(transposed: bool, side: int, cin: int, cout: int) -> dict:
  import torch  # pylint: disable=g-import-not-at-top
  layer = (torch.nn.ConvTranspose2d if transposed else torch.nn.Conv2d)(
      cin, cout, 4, 2, 1, bias=False)
  x = torch.randn(_BATCH.value, cin, side, side, requires_grad=True)
  grad = torch.ones_like(layer(x))
  def both():
    layer(x).backward(grad)
  with torch.no_grad():
    forward = _best_ms(lambda: layer(x))
  return {'forward': forward, 'forward_and_backward': _best_ms(both)}


def main(argv):
  del argv
  rng = np.random.default_rng(0)
  results = {}
  for name, (transposed, side, cin, cout) in LAYERS.items():
    x = rng.normal(size=(_BATCH.value, side, side, cin)).astype(np.float32)
    kernel = 0.02 * rng.normal(size=(4, 4, cin, cout)).astype(np.float32)
    lax_form, ours = _forms(transposed)
    results[name] = {'lax_autodiff': _time_form(lax_form, x, kernel),
                     'gan_jax': _time_form(ours, x, kernel)}
    try:
      results[name]['torch'] = _time_torch(transposed, side, cin, cout)
    except ImportError:
      pass
    print(name, results[name], file=sys.stderr, flush=True)
  print(json.dumps({**harness.machine(), 'batch_size': _BATCH.value,
                    'milliseconds': results}, indent=1))


if __name__ == '__main__':
  app.run(main)
