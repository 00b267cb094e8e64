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
Then the convolution time of one training step (each part times the number
of times a DCGAN step runs it, `USES`) against the PyTorch reference's
whole step at the same batch size: `ceiling_ratio_vs_torch_eager` is the
ratio gan_jax would reach if everything in its step but the convolutions
took no time. Milliseconds after one untimed call: for gan_jax and lax, the
median of `repeats` rounds in which the forms of one part take turns (so the
machine's drift hits them alike); for PyTorch's layers, the best of
`repeats`, and for its whole step the median.
Prints JSON.
"""
import functools
import json
import statistics
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
# How often one step (gan_jax.train_step) runs each part. G runs forward and
# backward once (its fakes are reused). D judges the reals and the fakes
# apart in its update: forward twice, kernel gradients twice, and conv2's
# input gradient twice on the way down to conv1. G's update judges the fakes
# once more: forward, and input gradients down to the image.
USES = {'G.up1': {'forward': 1, 'input_grad': 1, 'kernel_grad': 1},
        'G.up2': {'forward': 1, 'input_grad': 1, 'kernel_grad': 1},
        'D.conv1': {'forward': 3, 'input_grad': 1, 'kernel_grad': 2},
        'D.conv2': {'forward': 3, 'input_grad': 3, 'kernel_grad': 2}}


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


def _form_calls(form, x, kernel) -> dict:
  """The three parts of `form` as argument-free calls, compiled."""
  fn = lambda x, k: form(x, k, (2, 2))
  shape = jax.eval_shape(fn, x, kernel).shape
  grad = np.random.default_rng(1).normal(size=shape).astype(np.float32)
  vjp = lambda x, k, g: jax.vjp(fn, x, k)[1](g)
  forward = jax.jit(fn)
  input_grad = jax.jit(lambda *a: vjp(*a)[0])
  kernel_grad = jax.jit(lambda *a: vjp(*a)[1])
  return {'forward': lambda: forward(x, kernel),
          'input_grad': lambda: input_grad(x, kernel, grad),
          'kernel_grad': lambda: kernel_grad(x, kernel, grad)}


def _alternating_ms(calls: dict) -> dict:
  """Median ms of each call, the calls taking turns in every round so that
  the machine's drift during the run hits them all alike."""
  for call in calls.values():
    jax.block_until_ready(call())
  seconds = harness.take_turns(
      {name: functools.partial(_call_s, call) for name, call in calls.items()},
      _REPEATS.value)
  return {name: round(statistics.median(t) * 1000, 1)
          for name, t in seconds.items()}


def _call_s(call) -> float:
  start = time.perf_counter()
  jax.block_until_ready(call())
  return time.perf_counter() - start


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


def step_convolution_ms(milliseconds: dict, form: str) -> float:
  """Milliseconds one DCGAN step spends in convolutions computed by `form`
  ('gan_jax' or 'lax_autodiff'), from the per-part timings."""
  return round(sum(count * milliseconds[layer][form][part]
                   for layer, parts in USES.items()
                   for part, count in parts.items()), 1)


def _torch_step_ms() -> float:
  """The PyTorch reference's whole eager step: the median of `repeats` steps
  after one untimed (a median, as throughput.py's rates are)."""
  import torch_reference  # pylint: disable=g-import-not-at-top
  images = np.random.default_rng(2).integers(
      0, 256, (4 * _BATCH.value, 28, 28, 1), np.uint8)
  ref = torch_reference.Reference(images, _BATCH.value)
  ref.step()
  return round(statistics.median(_call_s(ref.step)
                                 for _ in range(_REPEATS.value)) * 1000, 1)


def _kernel_grad_forms(features: int, rng) -> dict:
  """G.up2's kernel gradient with `features` outputs, in each form."""
  _, side, cin, _ = LAYERS['G.up2']
  x = rng.normal(size=(_BATCH.value, side, side, cin)).astype(np.float32)
  grad = rng.normal(size=(_BATCH.value, 2 * side, 2 * side,
                          features)).astype(np.float32)
  kernel = np.zeros((4, 4, cin, features), np.float32)
  lax_grad = jax.jit(lambda x, grad: jax.vjp(
      lambda k: convolution.lax_conv_transpose_same(x, k, (2, 2)),
      kernel)[1](grad)[0])
  forms = {'lax_autodiff': lax_grad,
           'sub_pixel': jax.jit(functools.partial(
               convolution.kernel_grad_subpixel, kernel_shape=kernel.shape,
               strides=(2, 2))),
           'gathered_gradient': jax.jit(functools.partial(
               convolution.kernel_grad_gathered, kernel_shape=kernel.shape,
               strides=(2, 2)))}
  return _alternating_ms({name: functools.partial(fn, x, grad=grad)
                          for name, fn in forms.items()})


def main(argv):
  del argv
  rng = np.random.default_rng(0)
  results = {}
  for name, (transposed, side, cin, cout) in LAYERS.items():
    x = rng.normal(size=(_BATCH.value, side, side, cin)).astype(np.float32)
    kernel = 0.02 * rng.normal(size=(4, 4, cin, cout)).astype(np.float32)
    calls = {label: _form_calls(form, x, kernel) for label, form
             in zip(('lax_autodiff', 'gan_jax'), _forms(transposed))}
    results[name] = {'lax_autodiff': {}, 'gan_jax': {}}
    for part in calls['gan_jax']:   # lax's and ours take turns, part by part
      for label, ms in _alternating_ms(
          {label: parts[part] for label, parts in calls.items()}).items():
        results[name][label][part] = ms
    try:
      results[name]['torch'] = _time_torch(transposed, side, cin, cout)
    except ImportError:
      pass
    print(name, results[name], file=sys.stderr, flush=True)
  kernel_grads = {}
  for features in map(int, _FEATURES.value):
    kernel_grads[features] = _kernel_grad_forms(features, rng)
    print(features, kernel_grads[features], file=sys.stderr, flush=True)
  per_step = {f'{form}_convolutions': step_convolution_ms(results, form)
              for form in ('gan_jax', 'lax_autodiff')}
  if 'torch' in results['G.up1'] and jax.default_backend() == 'cpu':
    # The reference runs on the CPU here, so only a CPU ceiling is like for
    # like (throughput.py compares whole steps on a GPU).
    per_step['torch_eager_whole_step'] = _torch_step_ms()
    per_step['ceiling_ratio_vs_torch_eager'] = round(
        per_step['torch_eager_whole_step'] / per_step['gan_jax_convolutions'],
        3)
  print(json.dumps({**harness.machine(), 'batch_size': _BATCH.value,
                    'milliseconds': results,
                    'output_layer_kernel_grad_ms': kernel_grads,
                    'step_ms': per_step}, indent=1))


if __name__ == '__main__':
  app.run(main)
