"""python -m gan_jax.figures --workdir=DIR

Writes two PNGs to DIR/figures/:
  samples_nearest_step_XXXXXXX.png: the 2014 paper's Figure 2. Each row holds
    samples, and its rightmost column the training image nearest (in pixel
    space) to the sample beside it, to show the model is not memorising.
  interpolation_step_XXXXXXX.png: each row walks the latent space between
    two random points (spherically for Gaussian noise, whose mass lives on a
    shell; linearly for uniform noise).
"""
import jax
import jax.numpy as jnp
import numpy as np
from absl import flags

from gan_jax import cli, images, saved_run, train
from gan_jax.metrics import neighbours

_WORKDIR = flags.DEFINE_string('workdir', None, 'A training workdir.')
_MEMBER = flags.DEFINE_integer('member', 0, 'Population member to use.')
_ROWS = flags.DEFINE_integer('rows', 8, 'Rows in each figure.', lower_bound=1)
_COLS = flags.DEFINE_integer('cols', 8, 'Columns in each figure.',
                             lower_bound=2)
_SEED = flags.DEFINE_integer('seed', 0, 'Seed for the latent vectors.')
flags.mark_flags_as_required(['workdir'])


def interpolate(z0: jax.Array, z1: jax.Array, steps: int,
                spherical: bool) -> jax.Array:
  """[rows, steps, z_dim] points from z0 to z1."""
  t = jnp.linspace(0.0, 1.0, steps)[None, :, None]
  z0, z1 = z0[:, None], z1[:, None]
  if not spherical:
    return (1 - t) * z0 + t * z1
  cos = jnp.sum(z0 * z1, -1, keepdims=True) / (
      jnp.linalg.norm(z0, axis=-1, keepdims=True) *
      jnp.linalg.norm(z1, axis=-1, keepdims=True))
  omega = jnp.arccos(jnp.clip(cos, -1.0, 1.0))
  sin = jnp.maximum(jnp.sin(omega), 1e-6)
  return (jnp.sin((1 - t) * omega) * z0 + jnp.sin(t * omega) * z1) / sin


def main(argv: list[str]) -> None:
  cli.no_positional_args(argv)
  run = saved_run.load_run(_WORKDIR.value, _MEMBER.value)
  rows, cols = _ROWS.value, _COLS.value
  out = run.workdir / 'figures'
  out.mkdir(parents=True, exist_ok=True)

  z = saved_run.noise(run, rows * (cols - 1) + 2 * rows, _SEED.value)
  samples = saved_run.generate(run, z[:rows * (cols - 1)])
  train_images, _ = train.load_training_set(run.config)  # as G saw them
  samples = samples.reshape(rows, cols - 1, *samples.shape[1:])
  flat = lambda x: jnp.asarray(x.reshape(len(x), -1), jnp.float32)
  closest = neighbours.nearest_index(flat(samples[:, -1]), flat(train_images))
  nearest_images = train_images[np.asarray(closest)]
  sheet = np.concatenate([samples, nearest_images[:, None]], 1)
  path = out / f'samples_nearest_step_{run.step:07d}.png'
  images.save_png(path, images.grid(sheet.reshape(-1, *sheet.shape[2:]),
                                    rows=rows))
  print(f'wrote {path}')

  ends = z[rows * (cols - 1):]
  path_z = interpolate(ends[:rows], ends[rows:], cols,
                       spherical=run.gan.models.z_dist == 'normal')
  walk = saved_run.generate(run, path_z.reshape(rows * cols, -1))
  path = out / f'interpolation_step_{run.step:07d}.png'
  images.save_png(path, images.grid(walk, rows=rows))
  print(f'wrote {path}')


if __name__ == '__main__':
  cli.run(main)
