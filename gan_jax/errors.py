"""Errors that mean "the user asked for something we cannot do".

They are caught once, in `gan_jax.main`, and printed as a single line with exit
code 2, instead of a traceback. Anything else that escapes is a bug in gan_jax
and keeps its traceback.
"""


class GanJaxError(Exception):
  """Base class: a problem with the user's input, not a bug."""


class ConfigError(GanJaxError):
  """An unknown, mistyped or inconsistent configuration value."""


class DataError(GanJaxError):
  """Missing, corrupt or unreachable dataset files."""


class CheckpointError(GanJaxError):
  """A checkpoint that cannot be used to resume this run."""


class NonFiniteError(GanJaxError):
  """Training produced NaN or Inf; the last good checkpoint was kept."""


class Interrupted(Exception):
  """SIGTERM/SIGINT arrived; a checkpoint was saved. Not an error to hide."""

  def __init__(self, signum: int, step: int):
    super().__init__(f'stopped by signal {signum} at step {step}')
    self.signum, self.step = signum, step
