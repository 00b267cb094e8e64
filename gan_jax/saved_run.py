"""A trained run, loaded back from its workdir for sampling and evaluation.

Tools that read a run (sample, evaluate, figures) rebuild its models from
the config stored in the newest checkpoint, so they need no config file and
cannot disagree with the run about what was trained. They open the
checkpoints read-only: a live run may be writing the same folder.
"""
from typing import NamedTuple

import jax
import ml_collections
import numpy as np
from etils import epath

from gan_jax import configs, parallel, population, rng
from gan_jax.checkpoints import Checkpoints, abstract_like
from gan_jax.errors import CheckpointError, ConfigError
from gan_jax.generation import Sampler
from gan_jax.models import sample_noise
from gan_jax.train import build_gan
from gan_jax.train_state import TrainState
from gan_jax.train_step import Gan, state_factory


class SavedRun(NamedTuple):
  config: ml_collections.ConfigDict
  gan: Gan
  state: TrainState
  step: int
  workdir: epath.Path


def load_run(workdir: str, member: int = 0) -> SavedRun:
  """The newest intact checkpoint of `workdir`, with its models.

  For a population (`config.population > 1`), `member` picks one GAN.
  """
  workdir = epath.Path(workdir)
  folder = workdir / 'checkpoints'
  if not folder.is_dir():
    raise CheckpointError(f'no checkpoints in {workdir}: train there first '
                          '(python -m gan_jax.main --workdir=...)')
  checkpoints = Checkpoints(folder, read_only=True)
  meta = checkpoints.latest_meta()
  config = configs.with_defaults(meta['config'])
  image_shape = tuple(meta['data']['image_shape'])
  gan = build_gan(config, image_shape, meta['data']['num_examples'])
  members = config.population
  if not 0 <= member < members:
    raise ConfigError(f'--member={member}, but the run in {workdir} has '
                      f'{members} member(s)')
  init = population.make_init(state_factory(gan, image_shape), config)
  replicated = parallel.replicated(parallel.make_mesh())
  state, step, _ = checkpoints.restore_latest(
      abstract_like(jax.eval_shape(init), replicated),
      initial=jax.jit(init, out_shardings=replicated))
  checkpoints.close()
  state = population.view(config)(state, member)
  workdir = population.output_dirs(workdir, members)[member]
  return SavedRun(config, gan, state, step, workdir)


def _check_draws_from_noise(run: SavedRun) -> None:
  if run.gan.models.translation:
    raise ConfigError(
        f'the run in {run.workdir} is model {run.config.model.name!r}, which '
        'translates images instead of drawing them from noise: score it with '
        'benchmarks/cyclegan_labels.py')


def generate(run: SavedRun, z: jax.Array,
             labels: jax.Array | None = None) -> np.ndarray:
  """uint8 images [N, H, W, C] from the run's EMA generator (a conditional
  one draws `labels`, by default every class equally)."""
  _check_draws_from_noise(run)
  return Sampler(run.gan)(run.state, z, labels)


def noise(run: SavedRun, num: int, seed: int = 0) -> jax.Array:
  """`num` latent vectors; `seed` picks a stream separate from training's."""
  _check_draws_from_noise(run)
  key = rng.key_for(jax.random.PRNGKey(seed), rng.Stream.SAMPLES, 1)
  return sample_noise(run.gan.models, key, num)


def state_arrays(workdir: str) -> dict[str, np.ndarray]:
  """Every array of the newest checkpoint's state, by pytree path: what
  tests and benchmarks compare when two runs must have computed the same."""
  leaves = jax.tree_util.tree_leaves_with_path(
      jax.device_get(load_run(workdir).state))
  return {jax.tree_util.keystr(p): np.asarray(x) for p, x in leaves}
