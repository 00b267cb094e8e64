"""DCGAN generator forward+backward: flax's ConvTranspose vs SubpixelConvTranspose.

  python benchmarks/conv_transpose.py [--batch_size=128] [--repeats=5]

Both generators have identical parameters and outputs (tests/test_layers.py);
this measures what the reformulation buys on the current backend. Prints JSON.
"""
import json

import flax.linen as nn
import jax
import jax.numpy as jnp
from absl import app, flags

import harness
from gan_jax.models import dcgan, layers

_BATCH = flags.DEFINE_integer('batch_size', 128, 'Batch size.')
_REPEATS = flags.DEFINE_integer('repeats', 5, 'Timed repeats.')


def _generator_grad_time(conv_transpose) -> float:
  original = layers.SubpixelConvTranspose
  dcgan.SubpixelConvTranspose = conv_transpose
  try:
    g = dcgan.Generator((28, 28, 1), 64)
    z = jnp.ones((_BATCH.value, 100))
    variables = g.init(jax.random.PRNGKey(0), z, train=False)
    loss = lambda p: g.apply({'params': p, 'batch_stats':
                              variables['batch_stats']}, z, train=True,
                             mutable=['batch_stats'])[0].sum()
    return harness.seconds_per_call(jax.jit(jax.grad(loss)),
                                    variables['params'],
                                    repeats=_REPEATS.value)
  finally:
    dcgan.SubpixelConvTranspose = original


def main(argv):
  del argv
  flax_s = _generator_grad_time(
      lambda *a, **k: nn.ConvTranspose(*a, padding='SAME', **k))
  ours_s = _generator_grad_time(layers.SubpixelConvTranspose)
  print(json.dumps({
      'device': str(jax.devices()[0]), 'batch_size': _BATCH.value,
      'flax_conv_transpose_s': round(flax_s, 4),
      'subpixel_conv_transpose_s': round(ours_s, 4),
      'speedup': round(flax_s / ours_s, 2)}, indent=1))


if __name__ == '__main__':
  app.run(main)
