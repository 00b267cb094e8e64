"""Progressive growing's schedule and its view of the data (Karras et al. 2018).

Training moves through a continuous level L in [0, S-1] (Karras' "lod", read
the other way round): resolution r (4 * 2**r pixels) has weight
a_r = clip(L - r + 1, 0, 1), so at L = s exactly the resolutions up to s are
in and those above have weight 0; between s and s+1 resolution s+1 fades in.
Networks stay at full size throughout and compute every resolution, so one
jitted program serves every stage; a weight of 0 gives a block zero
gradients, and Adam leaves a parameter that never had a gradient untouched.

The level is a pure function of the step, so a resumed run continues the
schedule exactly; the step records it in `TrainState.extra` so that
checkpoints, samplers and tools know which stage a state was trained at.
"""
from typing import NamedTuple

import jax
import jax.numpy as jnp

Array = jax.Array


def fade_weights(level: Array | float, num_stages: int) -> list[Array]:
  """a_r for r = 0..S-1: how much resolution r contributes at this level."""
  level = jnp.asarray(level, jnp.float32)
  return [jnp.clip(level - r + 1.0, 0.0, 1.0) for r in range(num_stages)]


def upsample(x: Array, factor: int = 2) -> Array:
  """Nearest-neighbour upsampling of [B, H, W, C]."""
  return jnp.repeat(jnp.repeat(x, factor, axis=-3), factor, axis=-2)


def downsample(x: Array) -> Array:
  """2x2 average pooling of [..., H, W, C]; the inverse of `upsample`."""
  *lead, h, w, c = x.shape
  return x.reshape(*lead, h // 2, 2, w // 2, 2, c).mean(axis=(-4, -2))


def blend(pyramid: list[Array], level: Array | float) -> Array:
  """o_0 = p_0; o_r = a_r p_r + (1 - a_r) up(o_{r-1}); returns o_{S-1}.

  Both G's output (p_r = toRGB_r) and the reals (p_r = x pooled to
  resolution r) go through this, so D always compares like with like.
  """
  weights = fade_weights(level, len(pyramid))
  out = pyramid[0]
  for a, p in zip(weights[1:], pyramid[1:]):
    out = a * p + (1.0 - a) * upsample(out)
  return out


def real_pyramid(x: Array, num_stages: int) -> list[Array]:
  """[x pooled to 4x4, ..., x] for full-resolution images x [..., H, W, C]."""
  pyramid = [x]
  for _ in range(num_stages - 1):
    pyramid.insert(0, downsample(pyramid[0]))
  return pyramid


class Growth(NamedTuple):
  """The schedule: `stage_steps` steps per resolution, the first
  `fade_fraction` of each (after the first) fading the new one in."""
  num_stages: int            # 4 for 4 -> 8 -> 16 -> 32
  stage_steps: int
  fade_fraction: float = 0.5

  @property
  def final_level(self) -> float:
    return float(self.num_stages - 1)

  def level(self, step: Array | int) -> Array:
    """L at `step`: 0 for stage 0, then per stage s >= 1 a linear fade from
    s-1 to s over `fade_fraction` of its steps, then s; S-1 after the last."""
    t = jnp.asarray(step, jnp.float32) / self.stage_steps
    stage = jnp.floor(t)
    fade_steps = max(self.fade_fraction, 1e-9)
    within = jnp.clip((t - stage) / fade_steps, 0.0, 1.0)
    level = jnp.where(stage >= 1, stage - 1.0 + within, 0.0)
    return jnp.minimum(level, self.final_level).astype(jnp.float32)

  def stage(self, level: Array) -> Array:
    """The resolution index being trained: ceil(L), i.e. a stage counts its
    own fade-in (resolution 4 * 2**stage is in, possibly still fading)."""
    return jnp.ceil(level).astype(jnp.int32)

  def fade_reals(self, real: Array, level: Array) -> Array:
    """Full-resolution reals as the level-L pipeline would show them: the
    resolution pyramid blended like G's output, upsampled back to full size."""
    return blend(real_pyramid(real, self.num_stages), level)

  def initial_extra(self) -> dict[str, Array]:
    return {'level': jnp.zeros((), jnp.float32),
            'stage': jnp.zeros((), jnp.int32)}

  def extra_at(self, level: Array) -> dict[str, Array]:
    return {'level': level, 'stage': self.stage(level)}
