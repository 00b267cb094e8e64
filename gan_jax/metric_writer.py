"""Where training reports go: metrics.jsonl, TensorBoard, and the console.

metrics.jsonl is the record for scripts (one JSON object per logged step),
TensorBoard the one for eyes. Only process 0 writes, so multi-host runs
produce one copy. The TensorBoard writer is tensorboardX, which writes event
files without TensorFlow.
"""
import json
import logging
import time

import numpy as np
from etils import epath


class MetricWriter:
  """Appends scalars and images for one workdir."""

  def __init__(self, workdir: str | epath.Path, enabled: bool = True):
    self.enabled = enabled
    self._workdir = epath.Path(workdir)
    self._tb = None
    if enabled:
      from tensorboardX import SummaryWriter  # pylint: disable=g-import-not-at-top
      self._tb = SummaryWriter(str(self._workdir / 'tensorboard'))

  def write_scalars(self, step: int, scalars: dict[str, float]) -> None:
    if not self.enabled:
      return
    record = {'step': int(step), **{k: float(v) for k, v in scalars.items()}}
    with (self._workdir / 'metrics.jsonl').open('a') as f:
      f.write(json.dumps(record) + '\n')
    for name, value in scalars.items():
      self._tb.add_scalar(name, float(value), int(step))

  def write_image(self, step: int, name: str, image: np.ndarray) -> None:
    """`image` is uint8 [H, W, C]."""
    if self.enabled:
      self._tb.add_image(name, image, int(step), dataformats='HWC')

  def flush(self) -> None:
    if self.enabled:
      self._tb.flush()

  def close(self) -> None:
    if self.enabled:
      self._tb.close()


class Progress:
  """A console line per log step: losses, speed and time to go."""

  def __init__(self, total_steps: int, start_step: int):
    self._total = total_steps
    self._last_step, self._last_time = start_step, time.perf_counter()

  def report(self, step: int, scalars: dict[str, float]) -> float:
    """Logs a line and returns the steps/s since the previous report."""
    now = time.perf_counter()
    rate = (step - self._last_step) / max(now - self._last_time, 1e-9)
    self._last_step, self._last_time = step, now
    eta = (self._total - step) / rate if rate > 0 else float('inf')
    shown = ' '.join(f'{k} {v:.4g}' for k, v in scalars.items())
    logging.info('step %d/%d | %s | %.2f steps/s | ETA %s', step, self._total,
                 shown, rate, _duration(eta))
    return rate


def _duration(seconds: float) -> str:
  if not np.isfinite(seconds):
    return '?'
  minutes, secs = divmod(int(seconds), 60)
  hours, minutes = divmod(minutes, 60)
  return f'{hours}h{minutes:02d}m{secs:02d}s' if hours else f'{minutes}m{secs:02d}s'
