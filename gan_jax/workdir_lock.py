"""One run per workdir.

Two runs writing the same checkpoints would corrupt each other silently. We
hold an exclusive `flock` on `<workdir>/.lock` for the whole run. The kernel
drops the lock when its process dies, however it dies, so a lock left by a
killed run is simply taken over; the file's text (pid, host, start time) is
only there to tell the user who holds it. Object stores (gs://) have no
locks; there the check is skipped.
"""
import contextlib
import datetime
import fcntl
import logging
import os
import socket
from collections.abc import Iterator

from etils import epath

from gan_jax.errors import ConfigError


@contextlib.contextmanager
def hold(workdir: epath.Path, lock: bool = True) -> Iterator[None]:
  """Creates `workdir` if needed and keeps other runs out of it.

  In a multi-host run only process 0 takes the lock (`lock=False` elsewhere):
  the hosts of one run share the workdir.
  """
  try:
    workdir.mkdir(parents=True, exist_ok=True)
  except OSError as e:
    raise ConfigError(f'cannot create workdir {workdir}: '
                      f'{e.strerror or e}') from e
  if not lock or '://' in str(workdir):
    yield
    return
  path = os.path.join(os.fspath(workdir), '.lock')
  try:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
  except OSError as e:
    raise ConfigError(f'cannot write to workdir {workdir}: '
                      f'{e.strerror or e}') from e
  try:
    try:
      fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
      holder = os.pread(fd, 512, 0).decode(errors='replace').strip()
      raise ConfigError(
          f'workdir {workdir} is in use by another run ({holder or "unknown"}'
          '); wait for it to finish or choose another --workdir') from None
    previous = os.pread(fd, 512, 0).decode(errors='replace').strip()
    if previous:
      logging.info('took over the lock of a run that ended (%s)', previous)
    started = datetime.datetime.now().isoformat(timespec='seconds')
    os.ftruncate(fd, 0)
    os.pwrite(fd, f'pid {os.getpid()} on {socket.gethostname()}, started '
              f'{started}'.encode(), 0)
    yield
    os.ftruncate(fd, 0)
  finally:
    os.close(fd)  # closing releases the flock
