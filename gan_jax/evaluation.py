"""Scoring a generator's images, during training or afterwards.

Both `python -m gan_jax.evaluate` and the training loop's periodic
evaluation (`config.eval.every`) go through `evaluate_samples`, so a number
in metrics.jsonl and one printed by the tool mean the same thing. Each
result is also kept as `<workdir>/eval/step_XXXXXXX.json`.
"""
import json
from collections.abc import Sequence
from typing import Any

import ml_collections
import numpy as np
from etils import epath

from gan_jax import distributed
from gan_jax.errors import ConfigError


def parse_metrics(spec: str | Sequence[str]) -> list[str]:
  """'fid,kid' -> ['fid', 'kid'], each checked against the registry."""
  from gan_jax import metrics  # pylint: disable=g-import-not-at-top
  names = [n.strip() for n in (spec.split(',') if isinstance(spec, str)
                               else spec) if n.strip()]
  if not names:
    raise ConfigError(f'no metrics given; choose from: {", ".join(metrics.METRICS)}')
  for name in names:
    metrics.METRICS.get(name)
  return names


def default_metrics(dataset: str, conditional: bool = False) -> list[str]:
  """Every metric that applies: TFD has no classifier, so Parzen alone; the
  class accuracy only for a class-conditional G."""
  from gan_jax.metrics.suite import ALL  # pylint: disable=g-import-not-at-top
  if dataset == 'tfd':
    return ['parzen']
  return [*ALL, 'class_acc'] if conditional else list(ALL)


def evaluate_samples(fake: np.ndarray, config: ml_collections.ConfigDict,
                     step: int, metric_names: Sequence[str],
                     workdir: epath.Path | None = None,
                     labels: np.ndarray | None = None) -> dict[str, Any]:
  """Scores uint8 images against the run's dataset; records the result.

  `labels`: the classes a conditional G drew the images for (class_acc).
  """
  from gan_jax import metrics  # pylint: disable=g-import-not-at-top
  if config.data.name == 'tfd':
    values = _tfd_parzen(fake, metric_names, config)
  else:
    if config.data.get('pad_to', 0):
      # The classifier reads the dataset's own size: drop the padding.
      from gan_jax import images  # pylint: disable=g-import-not-at-top
      from gan_jax.metrics import classifier  # pylint: disable=g-import-not-at-top
      fake = images.center_crop(fake, *classifier.IMAGE_SHAPE[:2])
    values = metrics.evaluate_images(
        fake, config.data.name, metric_names, data_dir=config.data.dir,
        tfds_dir=config.data.tfds_dir, labels=labels)
  record = {'step': int(step), 'num_samples': int(len(fake)),
            **{k: float(v) for k, v in values.items()}}
  if workdir is not None and distributed.is_main_process():
    path = epath.Path(workdir) / 'eval' / f'step_{int(step):07d}.json'
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1) + '\n')
  return record


def _tfd_parzen(fake: np.ndarray, metric_names: Sequence[str],
                config: ml_collections.ConfigDict) -> dict[str, float]:
  """TFD has no evaluation classifier; the paper scores it fold by fold."""
  from gan_jax import data  # pylint: disable=g-import-not-at-top
  from gan_jax.data import tfd  # pylint: disable=g-import-not-at-top
  from gan_jax.metrics.parzen import parzen_over_folds  # pylint: disable=g-import-not-at-top
  if list(metric_names) != ['parzen']:
    raise ConfigError(f'TFD has no evaluation classifier, so only the Parzen '
                      f'estimate applies; got metrics {",".join(metric_names)}'
                      f': use --metrics=parzen (or config.eval.metrics=parzen)')
  unit = lambda x: np.asarray(x, np.float32).reshape(len(x), -1) / 255.0
  load = lambda split: unit(data.load_split(
      'tfd', split, config.data.dir, config.data.tfds_dir)[0])
  folds = [(load(f'fold{f}_valid'), load(f'fold{f}_test'))
           for f in range(tfd.NUM_FOLDS)]
  mean, se, sigmas = parzen_over_folds(unit(fake), folds)
  return {'parzen_ll': mean, 'parzen_se': se,
          **{f'parzen_sigma_fold{f}': s for f, s in enumerate(sigmas)}}
