"""Saving and resuming the TrainState with Orbax.

Saves are asynchronous (training continues while the previous step's arrays
are written) and atomic (Orbax writes to a temporary directory and renames
it), and the last `max_to_keep` are kept. The resolved config is stored next
to each state so a resumed run can be checked against the one that wrote it.
"""
import logging
from typing import Any, TypeVar

import jax
import orbax.checkpoint as ocp
from etils import epath

from gan_jax.errors import CheckpointError

T = TypeVar('T')


class Checkpoints:
  """The `checkpoints/` folder of one workdir."""

  def __init__(self, directory: str | epath.Path, max_to_keep: int = 3,
               async_save: bool = True):
    self.directory = epath.Path(directory)
    self._manager = ocp.CheckpointManager(
        self.directory,
        options=ocp.CheckpointManagerOptions(
            max_to_keep=max_to_keep, create=True,
            enable_async_checkpointing=async_save))

  def all_steps(self) -> list[int]:
    return sorted(self._manager.all_steps())

  def latest_step(self) -> int | None:
    return self._manager.latest_step()

  def save(self, step: int, state: Any, config: dict[str, Any]) -> None:
    self._manager.save(step, args=ocp.args.Composite(
        state=ocp.args.StandardSave(state), config=ocp.args.JsonSave(config)))

  def restore(self, abstract_state: T, step: int) -> T:
    """Restores `step` into the structure, shapes and shardings given."""
    restored = self._manager.restore(step, args=ocp.args.Composite(
        state=ocp.args.StandardRestore(abstract_state)))
    return restored.state

  def restore_config(self, step: int) -> dict[str, Any]:
    return self._manager.restore(step, args=ocp.args.Composite(
        config=ocp.args.JsonRestore())).config

  def restore_latest(self, abstract_state: T) -> tuple[T, int] | None:
    """The newest checkpoint that loads, falling back to older ones.

    A checkpoint that fails to load is reported and left on disk, never
    deleted: it may be the only copy of a long run.
    """
    steps = self.all_steps()
    for i, step in enumerate(reversed(steps)):
      try:
        return self.restore(abstract_state, step), step
      except Exception as e:  # pylint: disable=broad-except
        older = steps[-i - 2] if i + 1 < len(steps) else None
        logging.warning('checkpoint %s is unreadable (%s: %s); %s',
                        self.directory / str(step), type(e).__name__,
                        str(e).splitlines()[0] if str(e) else '',
                        f'falling back to step {older}' if older is not None
                        else 'no older checkpoint to fall back to')
    if steps:
      raise CheckpointError(
          f'no readable checkpoint in {self.directory} (tried steps '
          f'{", ".join(map(str, reversed(steps)))}); move the folder away to '
          'start afresh')
    return None

  def wait(self) -> None:
    self._manager.wait_until_finished()

  def close(self) -> None:
    self._manager.close()


def abstract_like(state: T, sharding: jax.sharding.Sharding) -> T:
  """Shape/dtype/sharding skeleton of `state`, to restore into."""
  return jax.tree.map(
      lambda x: jax.ShapeDtypeStruct(x.shape, x.dtype, sharding=sharding),
      state)
