"""Saving and resuming the TrainState with Orbax, without ever losing work.

Saves are asynchronous (training goes on while the arrays are written) and
atomic (Orbax writes a temporary directory and renames it; leftovers of a
killed save are cleaned up at start). Each checkpoint carries, beside the
state, a small JSON `meta` item: the resolved config, so a resume can be
checked against the run that wrote it, and a digest of every array, so a
checkpoint that reads back wrong (flipped or truncated bytes) is detected
instead of trained on.

An unreadable checkpoint is moved to `corrupt_checkpoints/`, never deleted:
it may be someone's only copy of a week of training. (It must leave
`checkpoints/`, because Orbax will not save a step older than the newest one
present.)
"""
import dataclasses
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import jax
import jax.numpy as jnp
import numpy as np
import orbax.checkpoint as ocp
from etils import epath

from gan_jax.errors import CheckpointError

T = TypeVar('T')
Meta = dict[str, Any]


@jax.jit
def digest(tree) -> jax.Array:
  """One position-weighted uint32 checksum per array, computed on device."""
  def leaf_digest(x):
    x = jnp.asarray(x)
    if x.dtype.itemsize != 4:
      x = x.astype(jnp.float32) if jnp.issubdtype(x.dtype, jnp.floating) \
          else x.astype(jnp.int32)
    bits = jax.lax.bitcast_convert_type(x, jnp.uint32).ravel()
    weights = jnp.arange(1, bits.size + 1, dtype=jnp.uint32) * jnp.uint32(
        2654435761)
    return jnp.sum(bits * weights + bits, dtype=jnp.uint32)
  return jnp.stack([leaf_digest(x) for x in jax.tree.leaves(tree)] or
                   [jnp.uint32(0)])


def _first_line(e: BaseException) -> str:
  text = str(e).strip()
  return f'{type(e).__name__}: {text.splitlines()[0] if text else ""}'


class Checkpoints:
  """The `checkpoints/` folder of one workdir."""

  def __init__(self, directory: str | epath.Path, max_to_keep: int = 3,
               async_save: bool = True, read_only: bool = False):
    """`read_only` is for tools that sample from a run (possibly a live one):
    they neither save, clean up, nor move corrupt checkpoints aside."""
    # Orbax's asynchronous save rejects relative paths (only on the save
    # after the first, as it happens), so anchor a local one to the cwd now.
    self.directory = epath.Path(directory)
    if not self.directory.is_absolute():
      self.directory = self.directory.absolute()
    self.quarantine = self.directory.parent / 'corrupt_checkpoints'
    self._read_only = read_only
    self._options = ocp.CheckpointManagerOptions(
        max_to_keep=max_to_keep, create=not read_only, read_only=read_only,
        cleanup_tmp_directories=not read_only,
        enable_async_checkpointing=async_save)
    self._manager = ocp.CheckpointManager(
        self.directory, options=self._options,
        item_handlers={'state': ocp.StandardCheckpointHandler(),
                       'meta': ocp.JsonCheckpointHandler()})

  def all_steps(self) -> list[int]:
    return sorted(self._manager.all_steps())

  def latest_step(self) -> int | None:
    return self._manager.latest_step()

  def latest_meta(self) -> Meta:
    """The newest checkpoint's config and data description."""
    step = self.latest_step()
    if step is None:
      raise CheckpointError(f'no checkpoint in {self.directory}')
    try:
      return self._manager.restore(step, args=ocp.args.Composite(
          meta=ocp.args.JsonRestore())).meta
    except Exception as e:  # pylint: disable=broad-except
      raise CheckpointError(f'cannot read checkpoint {self.directory / str(step)}'
                            f' ({_first_line(e)})') from e

  def save(self, step: int, state: Any, config: dict[str, Any],
           **extra_meta: Any) -> None:
    """Starts an asynchronous save; a failure is reported as CheckpointError."""
    meta = {'config': config, 'digest': np.asarray(digest(state)).tolist(),
            **extra_meta}
    try:
      self._manager.save(step, args=ocp.args.Composite(
          state=ocp.args.StandardSave(state), meta=ocp.args.JsonSave(meta)))
    except Exception as e:  # pylint: disable=broad-except
      raise self._save_failed(step, e) from e

  def wait(self) -> None:
    try:
      self._manager.wait_until_finished()
    except Exception as e:  # pylint: disable=broad-except
      raise self._save_failed(None, e) from e

  def close(self) -> None:
    self.wait()
    self._manager.close()

  def _save_failed(self, step: int | None, e: Exception) -> CheckpointError:
    # An earlier asynchronous save may still be finishing: let it, so that it
    # is kept and counted (listing at once reported it as missing).
    try:
      self._manager.wait_until_finished()
    except Exception:  # pylint: disable=broad-except
      pass  # this save's own error is the one to report
    kept = ', '.join(map(str, self._finished_steps())) or 'none'
    return CheckpointError(
        f'saving checkpoint{f" {step}" if step is not None else ""} in '
        f'{self.directory} failed ({_first_line(e)}); complete checkpoints '
        f'left untouched: {kept}')

  def _finished_steps(self) -> list[int]:
    return sorted(int(p.name) for p in self.directory.glob('*')
                  if p.name.isdigit() and (p / 'meta').exists())

  def restore_latest(
      self, abstract_state: T,
      check_meta: Callable[[int, Meta], None] = lambda step, meta: None,
      initial: Callable[[], T] | None = None,
  ) -> tuple[T, int, Meta] | None:
    """The newest checkpoint that reads back intact, else older ones.

    `check_meta(step, meta)` may raise to refuse a checkpoint on other grounds
    (an incompatible config); that error propagates rather than fall back.
    A dataclass state may have gained fields since a checkpoint was written;
    given `initial()` (a fresh state), those fields take its values, so an
    upgrade of the code never turns a good checkpoint into a "corrupt" one.
    """
    failures = []
    for step in reversed(self.all_steps()):
      try:
        meta = self._manager.restore(step, args=ocp.args.Composite(
            meta=ocp.args.JsonRestore())).meta
      except Exception as e:  # pylint: disable=broad-except
        failures.append((step, _first_line(e)))
        continue
      check_meta(step, meta)
      try:
        state, saved_part = self._restore_state(step, abstract_state, initial)
        if np.asarray(digest(saved_part)).tolist() != meta['digest']:
          raise ValueError('array contents do not match the saved digest')
      except Exception as e:  # pylint: disable=broad-except
        failures.append((step, _first_line(e)))
        continue
      self._set_aside(failures, step)
      return state, step, meta
    if failures:
      self._set_aside(failures, None)
      raise CheckpointError(
          f'no readable checkpoint in {self.directory}: steps '
          f'{", ".join(str(s) for s, _ in failures)} are corrupt and were '
          f'moved to {self.quarantine}; move them back or start a new workdir')
    return None

  def _restore_state(self, step: int, abstract_state: T,
                     initial: Callable[[], T] | None) -> tuple[T, Any]:
    """(state, the part of it read from disk, in the order it was saved)."""
    def restore(target):
      return self._manager.restore(step, args=ocp.args.Composite(
          state=ocp.args.StandardRestore(target))).state

    if initial is None or not dataclasses.is_dataclass(abstract_state):
      state = restore(abstract_state)
      return state, state
    on_disk = set(self._manager.item_metadata(step)['state'].tree)
    names = [f.name for f in dataclasses.fields(abstract_state)]
    # An empty field (extra={}) may be absent from disk: it has no arrays.
    missing = [n for n in names if n not in on_disk]
    if not missing:
      state = restore(abstract_state)
      return state, state
    present = restore({n: getattr(abstract_state, n) for n in names
                       if n in on_disk})
    logging.info('checkpoint %d predates the fields %s; they start from their '
                 'initial values', step, ', '.join(missing))
    return (initial().replace(**present),
            [present[n] for n in names if n in on_disk])

  def _set_aside(self, failures: list[tuple[int, str]],
                 used: int | None) -> None:
    if not failures or self._read_only:
      return
    if jax.process_index() == 0:
      self._move_aside(failures, used)
    self._manager.reload()

  def _move_aside(self, failures: list[tuple[int, str]],
                  used: int | None) -> None:
    self.quarantine.mkdir(parents=True, exist_ok=True)
    for step, why in failures:
      target = self.quarantine / str(step)
      suffix = 0
      while target.exists():
        suffix += 1
        target = self.quarantine / f'{step}.{suffix}'
      (self.directory / str(step)).rename(target)
      logging.warning(
          'checkpoint %s is corrupt (%s); moved it to %s and %s', step, why,
          target, f'resumed from checkpoint {used} instead' if used is not None
          else 'found no older checkpoint to resume from')


def abstract_like(state: T, sharding: jax.sharding.Sharding) -> T:
  """Shape/dtype/sharding skeleton of `state`, to restore into."""
  return jax.tree.map(
      lambda x: jax.ShapeDtypeStruct(x.shape, x.dtype, sharding=sharding),
      state)
