"""DCGAN's four convolutions: lax autodiff against gan_jax.models.convolution.

  python benchmarks/conv_speed.py [--batch_size=1024] [--repeats=3]
      [--output_features=1,3,8]

For each layer of experiments/dcgan.py's networks (28x28, width 64) it
times the forward pass, the input gradient and the kernel gradient, both as
autodiff of lax's convolution and as gan_jax computes them (identical
results: tests/test_convolution.py), and the PyTorch reference's layer
forward and forward+backward when torch is installed. Then, for G's output
layer with each of `output_features` features, the three forms of the
transposed convolution's kernel gradient that gan_jax chooses between
(lax's, the sub-pixel one, the product with the gathered gradient).
Milliseconds, best of `repeats` after one untimed call. Prints JSON.
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
_FEATURES = flags.DEFINE_list('output_features', ['1', '3', '8'],
                              "Feature counts of G's output layer for the "
                              'kernel-gradient comparison.')

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
    return convolution.lax_conv_transpose_same, convolution.conv_transpose_same
  return convolution.lax_conv_same, convolution.conv_same


def _time_form(form, x, kernel) -> dict:
  fn = lambda x, k: form(x, k, (2, 2))
  shape = jax.eval_shape(fn, x, kernel).shape
  grad = np.random.default_rng(1).normal(size=shape).astype(np.float32)
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


def _kernel_grad_forms(features: int, rng) -> dict:
  """G.up2's kernel gradient with `features` outputs, in each form."""
  _, side, cin, _ = LAYERS['G.up2']
  x = rng.normal(size=(_BATCH.value, side, side, cin)).astype(np.float32)
  grad = rng.normal(size=(_BATCH.value, 2 * side, 2 * side,
                          features)).astype(np.float32)
  kernel = np.zeros((4, 4, cin, features), np.float32)
  def via(form):
    return jax.jit(lambda x, g: jax.vjp(lambda k: form(x, k, (2, 2)),
                                        kernel)[1](g)[0])
  return {
      'lax_autodiff': _best_ms(via(convolution.lax_conv_transpose_same), x,
                               grad),
      'sub_pixel': _best_ms(via(convolution.conv_transpose_subpixel), x, grad),
      'gathered_gradient': _best_ms(jax.jit(
          lambda x, g: convolution.kernel_grad_gathered(
              x, kernel.shape, (2, 2), g)), x, grad)}


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
  kernel_grads = {}
  for features in map(int, _FEATURES.value):
    kernel_grads[features] = _kernel_grad_forms(features, rng)
    print(features, kernel_grads[features], file=sys.stderr, flush=True)
  print(json.dumps({**harness.machine(), 'batch_size': _BATCH.value,
                    'milliseconds': results,
                    'output_layer_kernel_grad_ms': kernel_grads}, indent=1))


if __name__ == '__main__':
  app.run(main)
