"""Every metric on real data: the best score a generator could hope for.

  python benchmarks/metric_floors.py

For each dataset, the 10,000 training images 0..9999 play the generated
samples against the 10,000 test images (Parzen: they are the kernel centres,
sigma chosen on training images 50,000..50,999). Prints one JSON object with
each value and the seconds it took.
"""
import json

import jax
from absl import app

from gan_jax import data
from eval_speed import timed_pass  # Same folder: run as a script.


def main(argv):
  del argv
  result = {'jax': jax.__version__, 'devices': [str(d) for d in jax.devices()]}
  for dataset in data.DATASETS:
    fake, _ = data.load_split(dataset, 'train[:10000]')
    values, seconds = timed_pass(fake, dataset)
    result[dataset] = {'values': {k: round(v, 5) for k, v in values.items()},
                       'seconds': seconds}
  print(json.dumps(result, indent=1))


if __name__ == '__main__':
  app.run(main)
