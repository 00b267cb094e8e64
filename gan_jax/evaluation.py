"""Scoring a generator's images, during training or afterwards.

Both `python -m gan_jax.evaluate` and the training loop's periodic
evaluation (`config.eval.every`) go through `evaluate_samples`, so a number
in metrics.jsonl and one printed by the tool mean the same thing. Each
result is also kept as `<workdir>/eval/step_XXXXXXX.json`.
"""
import json
from collections.abc import Sequence
from typing import Any

import jax
import ml_collections
import numpy as np
from etils import epath

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


def evaluate_samples(fake: np.ndarray, config: ml_collections.ConfigDict,
                     step: int, metric_names: Sequence[str],
                     workdir: epath.Path | None = None) -> dict[str, Any]:
  """Scores uint8 images against the run's dataset; records the result."""
  from gan_jax import metrics  # pylint: disable=g-import-not-at-top
  values = metrics.evaluate_images(
      fake, config.data.name, metric_names, data_dir=config.data.dir,
      tfds_dir=config.data.tfds_dir)
  record = {'step': int(step), 'num_samples': int(len(fake)),
            **{k: float(v) for k, v in values.items()}}
  if workdir is not None and jax.process_index() == 0:
    path = epath.Path(workdir) / 'eval' / f'step_{int(step):07d}.json'
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1) + '\n')
  return record
