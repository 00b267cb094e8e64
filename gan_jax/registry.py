"""Name -> component tables, so configs pick parts by name.

Losses, models, optimisers and datasets each get one table. A misspelt name is
a user error that lists the valid choices, never a KeyError from deep inside.
"""
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from gan_jax.errors import ConfigError

T = TypeVar('T')


class Registry(Generic[T]):
  """A table of named components of one kind (e.g. 'loss')."""

  def __init__(self, kind: str):
    self.kind = kind
    self._items: dict[str, T] = {}

  def register(self, name: str) -> Callable[[T], T]:
    def add(item: T) -> T:
      if name in self._items:
        raise ValueError(f'{self.kind} {name!r} registered twice')
      self._items[name] = item
      return item
    return add

  def get(self, name: str) -> T:
    if name not in self._items:
      raise ConfigError(
          f'unknown {self.kind} {name!r}; choose one of: {", ".join(self)}')
    return self._items[name]

  def __contains__(self, name: str) -> bool:
    return name in self._items

  def __iter__(self) -> Iterator[str]:
    return iter(sorted(self._items))
