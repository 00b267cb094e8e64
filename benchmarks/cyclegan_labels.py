"""CycleGAN on MNIST <-> thick inverted MNIST: does the digit survive?

Splits MNIST's *test* set into the two domains exactly as training split
its train set (gan_jax/data/domains.py), translates every image with the
run's EMA translators and reads the digit with the project's MNIST
classifier, against the label of the image it was translated from:
  b_to_a_label_kept: G_BA(b), in MNIST's look, classified as it is (the
    headline, against the 90% goal);
  a_to_b_label_kept: G_AB(a), in B's look, classified after undoing only
    the colour inversion (255 - x); b_uninverted_accuracy is the same read
    of the real B images, its reference, and a_accuracy the ceiling;
  cycle_l1_a / cycle_l1_b: mean |a - G_BA(G_AB(a))| and |b - G_AB(G_BA(b))|
    in [0, 1] pixel scale.

  python benchmarks/cyclegan_labels.py --workdir=runs/cyclegan \
      [--figure=docs/cyclegan_mnist.png]
"""
import json

import jax.numpy as jnp
import numpy as np
from absl import app, flags

from gan_jax import data, images, saved_run, translation
from gan_jax.metrics import classify, load_classifier

_WORKDIR = flags.DEFINE_string('workdir', None, 'A CycleGAN run.')
_SPLIT = flags.DEFINE_string('split', 'test', 'MNIST split to translate.')
_FIGURE = flags.DEFINE_string('figure', None, 'PNG for a translation sheet.')
_COLUMNS = flags.DEFINE_integer('columns', 16, 'Columns of the sheet.')
flags.mark_flags_as_required(['workdir'])


def _accuracy(params, pictures: np.ndarray, labels: np.ndarray) -> float:
  _, logits = classify(params, jnp.asarray(pictures))
  return float(np.mean(np.asarray(jnp.argmax(logits, -1)) == labels))


def _l1(x: np.ndarray, y: np.ndarray) -> float:
  return float(np.mean(np.abs(x.astype(np.float32) - y)) / 255.0)


def main(argv):
  del argv
  run = saved_run.load_run(_WORKDIR.value)
  pairs, labels = data.load_split(run.config.data.name, _SPLIT.value,
                                  run.config.data.dir,
                                  run.config.data.tfds_dir)
  fake, rec = translation.Translator(run.gan)(run.state, pairs)
  a, b = pairs[..., :1], pairs[..., 1:]
  params = load_classifier('mnist')
  result = {
      'benchmark': 'cyclegan_labels', 'workdir': _WORKDIR.value,
      'step': run.step, 'split': _SPLIT.value, 'images_per_domain': len(a),
      'b_to_a_label_kept': _accuracy(params, fake[..., :1], labels[:, 1]),
      'a_to_b_label_kept': _accuracy(params, 255 - fake[..., 1:],
                                     labels[:, 0]),
      'a_to_b_read_as': 'classifier(255 - G_AB(a)): colour inversion undone',
      'b_uninverted_accuracy': _accuracy(params, 255 - b, labels[:, 1]),
      'a_accuracy': _accuracy(params, a, labels[:, 0]),
      'cycle_l1_a': _l1(a, rec[..., :1]),
      'cycle_l1_b': _l1(b, rec[..., 1:]),
      'goal_b_to_a': 0.9,
  }
  if _FIGURE.value:
    n = _COLUMNS.value
    images.save_png(_FIGURE.value,
                    translation.sheet_rows(pairs[:n], fake[:n], rec[:n]))
    result['figure'] = _FIGURE.value
  print(json.dumps(result, indent=1))


if __name__ == '__main__':
  app.run(main)
