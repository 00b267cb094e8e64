"""Trains one dataset's evaluation classifier and writes its committed weights.

  python scripts/train_classifier.py --dataset=mnist|fashion_mnist

Seed 0 and the full 60k training split, so anyone can regenerate the file the
metrics depend on; writes gan_jax/metrics/weights/{dataset}_classifier.msgpack
and a .json beside it with the test accuracy and how it was made. Inputs are
shifted by up to 2 pixels (and mirrored for Fashion-MNIST, whose classes are
left-right symmetric): that buys most of the accuracy a bigger net would.
"""
import hashlib
import json
import pathlib
import platform
import sys
import time

import flax.serialization
import jax
import jax.numpy as jnp
import numpy as np
import optax
from absl import app, flags

from gan_jax import data
from gan_jax.metrics import classifier

_DATASET = flags.DEFINE_enum('dataset', 'mnist', list(data.DATASETS),
                             'Which dataset to train on.')
_EPOCHS = flags.DEFINE_integer('epochs', 12, 'Passes over the 60k images.')
_BATCH = flags.DEFINE_integer('batch_size', 128, 'Images per update.')
_LR = flags.DEFINE_float('learning_rate', 2e-3, 'Peak AdamW learning rate.')
_SEED = flags.DEFINE_integer('seed', 0, 'The committed weights use 0.')
_OUT = flags.DEFINE_string('out_dir', str(classifier.WEIGHTS_DIR),
                           'Where the .msgpack and .json go.')
_DATA_DIR = flags.DEFINE_string('data_dir', None, 'Folder of the IDX files.')
_TFDS_DIR = flags.DEFINE_string('tfds_dir', None, 'TFDS data dir.')

_SHIFT = 2
_MIRROR = {'mnist': False, 'fashion_mnist': True}


def augment(key: jax.Array, images: jax.Array, mirror: bool) -> jax.Array:
  """Random shifts of up to _SHIFT pixels (zero fill), optional mirroring."""
  shift_key, mirror_key = jax.random.split(key)
  pad = ((0, 0), (_SHIFT, _SHIFT), (_SHIFT, _SHIFT), (0, 0))
  corners = jax.random.randint(shift_key, (len(images), 2), 0, 2 * _SHIFT + 1)
  crop = lambda image, yx: jax.lax.dynamic_slice(
      image, (yx[0], yx[1], 0), classifier.IMAGE_SHAPE)
  images = jax.vmap(crop)(jnp.pad(images, pad), corners)
  if mirror:
    flip = jax.random.bernoulli(mirror_key, 0.5, (len(images), 1, 1, 1))
    images = jnp.where(flip, images[:, :, ::-1], images)
  return images


def make_epoch(tx: optax.GradientTransformation, batch_size: int,
               mirror: bool):
  """One jitted pass over a fresh permutation of the training set."""
  def loss_fn(params, images, labels):
    _, logits = classifier.Classifier().apply({'params': params}, images)
    return optax.softmax_cross_entropy_with_integer_labels(logits,
                                                           labels).mean()

  @jax.jit
  def epoch(params, opt_state, key, images, labels):
    steps = len(images) // batch_size
    perm_key, aug_key = jax.random.split(key)
    order = jax.random.permutation(perm_key, len(images))
    order = order[:steps * batch_size].reshape(steps, batch_size)

    def step(carry, inputs):
      params, opt_state = carry
      index, batch = inputs
      x = augment(jax.random.fold_in(aug_key, index), images[batch], mirror)
      loss, grads = jax.value_and_grad(loss_fn)(params, x, labels[batch])
      updates, opt_state = tx.update(grads, opt_state, params)
      return (optax.apply_updates(params, updates), opt_state), loss

    (params, opt_state), losses = jax.lax.scan(
        step, (params, opt_state), (jnp.arange(steps), order))
    return params, opt_state, losses.mean()
  return epoch


def accuracy(params, images: np.ndarray, labels: np.ndarray) -> float:
  _, logits = classifier.classify(params, images)
  return float(np.mean(np.argmax(logits, -1) == labels))


def main(argv):
  del argv
  name = _DATASET.value
  start = time.perf_counter()
  train_x, train_y = data.load_split(name, 'train', _DATA_DIR.value,
                                     _TFDS_DIR.value)
  test_x, test_y = data.load_split(name, 'test', _DATA_DIR.value,
                                   _TFDS_DIR.value)
  steps = len(train_x) // _BATCH.value * _EPOCHS.value
  schedule = optax.warmup_cosine_decay_schedule(
      0.0, _LR.value, warmup_steps=steps // 20, decay_steps=steps)
  tx = optax.adamw(schedule, weight_decay=1e-4)
  init_key, train_key = jax.random.split(jax.random.key(_SEED.value))
  params = classifier.init_params(init_key)
  opt_state = tx.init(params)
  epoch = make_epoch(tx, _BATCH.value, _MIRROR[name])
  train_x, train_y = jax.device_put((train_x, train_y))
  history = []
  for i in range(_EPOCHS.value):
    params, opt_state, loss = epoch(params, opt_state,
                                    jax.random.fold_in(train_key, i), train_x,
                                    train_y)
    history.append({'epoch': i + 1, 'train_loss': round(float(loss), 5),
                    'test_accuracy': accuracy(params, test_x, test_y),
                    'elapsed_s': round(time.perf_counter() - start, 1)})
    print(json.dumps(history[-1]), flush=True)

  blob = flax.serialization.to_bytes(jax.device_get(params))
  out = pathlib.Path(_OUT.value)
  out.mkdir(parents=True, exist_ok=True)
  (out / f'{name}_classifier.msgpack').write_bytes(blob)
  record = {
      'dataset': name, 'test_accuracy': history[-1]['test_accuracy'],
      'seed': _SEED.value, 'epochs': _EPOCHS.value,
      'batch_size': _BATCH.value, 'learning_rate': _LR.value,
      'augmentation': f'shift<={_SHIFT}px' + (', mirror' * _MIRROR[name]),
      'wall_time_s': round(time.perf_counter() - start, 1),
      'command': ' '.join(['python', *sys.argv]),
      'parameters': sum(p.size for p in jax.tree.leaves(params)),
      'sha256': hashlib.sha256(blob).hexdigest(),
      'jax': jax.__version__, 'device': str(jax.devices()[0]),
      'machine': platform.processor() or platform.machine(),
      'history': history,
  }
  (out / f'{name}_classifier.json').write_text(json.dumps(record, indent=1)
                                               + '\n')
  print(json.dumps({k: v for k, v in record.items() if k != 'history'}))


if __name__ == '__main__':
  app.run(main)
