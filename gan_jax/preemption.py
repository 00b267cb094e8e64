"""SIGTERM and SIGINT end a run with a checkpoint instead of losing work.

Schedulers and preemptible VMs send SIGTERM and give a grace period. The
handler only records the signal; the training loop notices it after the
current step (no device sync needed), saves a checkpoint, waits for it to be
written and raises `Interrupted`. A second SIGINT stops at once, for a user
who really means it.
"""
import contextlib
import signal
import threading
from collections.abc import Iterator


class StopRequest:
  """Set by a signal; read by the loop once per step."""

  def __init__(self):
    self.signum: int | None = None

  def __bool__(self) -> bool:
    return self.signum is not None


@contextlib.contextmanager
def stop_on_signals() -> Iterator[StopRequest]:
  request = StopRequest()
  if threading.current_thread() is not threading.main_thread():
    yield request  # signals can only be handled on the main thread
    return

  def handler(signum, frame):
    if request and signum == signal.SIGINT:
      raise KeyboardInterrupt
    request.signum = signum

  previous = {s: signal.signal(s, handler)
              for s in (signal.SIGTERM, signal.SIGINT)}
  try:
    yield request
  finally:
    for s, h in previous.items():
      signal.signal(s, h)
