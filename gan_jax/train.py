"""The training loop: config -> data -> models -> train step -> loop.

Everything here but `train_and_evaluate`'s loop is pure set-up; the loop is
the only place with side effects (checkpoints, logs, sample sheets), and it
talks to the device only at log, sample and checkpoint steps.
"""
import functools
import logging
from typing import Any

import jax
import ml_collections
import numpy as np
from etils import epath

from gan_jax import config_checks, data, images, parallel, rng
from gan_jax.checkpoints import Checkpoints, abstract_like
from gan_jax.data.sampler import sample_real, steps_per_epoch
from gan_jax.losses import LOSSES
from gan_jax.metric_writer import MetricWriter, Progress
from gan_jax.models import build_models, sample_noise
from gan_jax.optim import build_optimizer
from gan_jax.train_state import TrainState, create_train_state
from gan_jax.train_step import Gan, apply_model, make_train_step


def load_training_images(config: ml_collections.ConfigDict) -> np.ndarray:
  images_, _ = data.load_split(config.data.name, config.data.split,
                               config.data.dir, config.data.tfds_dir)
  return images_


def build_gan(config: ml_collections.ConfigDict,
              image_shape: tuple[int, int, int], num_examples: int) -> Gan:
  """Resolves every name in the config into the parts of the update rule."""
  config_checks.check_config(config)
  per_epoch = steps_per_epoch(
      num_examples, config.train.d_steps * config.train.batch_size)
  return Gan(
      models=build_models(config.model, image_shape),
      loss=LOSSES.get(config.loss.name),
      g_tx=build_optimizer(config.optim.g, per_epoch),
      d_tx=build_optimizer(config.optim.d, per_epoch),
      d_steps=config.train.d_steps,
      simultaneous=config.train.update_scheme == 'simultaneous',
      ema_decay=config.train.ema_decay)


def make_dataset_step(gan: Gan, batch_size: int, mesh: jax.sharding.Mesh):
  """(state, dataset) -> (state, metrics): sample a batch, then update."""
  update = make_train_step(gan)
  sharding = parallel.batch_sharding(mesh, batch_axis=1)

  def step(state: TrainState, dataset: jax.Array):
    real = sample_real(dataset, state.key, state.step, gan.d_steps, batch_size,
                       gan.models.value_range)
    return update(state, jax.lax.with_sharding_constraint(real, sharding))

  return step


def generate_samples(gan: Gan, state: TrainState, num: int) -> jax.Array:
  """The EMA generator on a fixed z, so sheets are comparable across steps."""
  z = sample_noise(gan.models, rng.key_for(state.key, rng.Stream.SAMPLES), num)
  out, _ = apply_model(gan.models.generator, state.g_ema, state.g_stats, z,
                       train=False)
  return out


def train_and_evaluate(config: ml_collections.ConfigDict,
                       workdir: str) -> TrainState:
  """Trains (or resumes) the run in `workdir`; returns the final state."""
  config_checks.check_config(config)
  mesh = parallel.make_mesh()
  parallel.check_batch_size(config.train.batch_size, mesh)
  train_images = load_training_images(config)
  image_shape = tuple(train_images.shape[1:])
  gan = build_gan(config, image_shape, len(train_images))
  # Every check has passed: only now is anything written to the workdir.

  workdir = epath.Path(workdir)
  workdir.mkdir(parents=True, exist_ok=True)
  is_main = jax.process_index() == 0
  writer = MetricWriter(workdir, enabled=is_main)
  checkpoints = Checkpoints(workdir / 'checkpoints',
                            config.train.keep_checkpoints)
  replicated = parallel.replicated(mesh)

  init = jax.jit(functools.partial(create_train_state, gan.models, gan.g_tx,
                                   gan.d_tx, image_shape, config.seed),
                 out_shardings=replicated)
  restored = checkpoints.restore_latest(
      abstract_like(jax.eval_shape(init), replicated))
  if restored:
    state, start = restored
    logging.info('resumed from %s at step %d', checkpoints.directory, start)
  else:
    state, start = init(), 0

  dataset = jax.make_array_from_callback(
      train_images.shape, replicated, lambda index: train_images[index])
  train_step = jax.jit(make_dataset_step(gan, config.train.batch_size, mesh),
                       in_shardings=(replicated, replicated),
                       out_shardings=(replicated, replicated),
                       donate_argnums=0)
  samples = jax.jit(functools.partial(generate_samples, gan,
                                      num=config.train.num_samples))
  saved_config = config.to_dict()

  total = config.train.num_steps
  progress = Progress(total, start)
  pending: list[dict[str, Any]] = []
  for step in range(start + 1, total + 1):
    state, metrics = train_step(state, dataset)
    pending.append(metrics)
    last = step == total
    if step % config.train.log_every == 0 or last:
      scalars = {k: float(np.mean(v)) for k, v in
                 jax.device_get(jax.tree.map(lambda *x: np.stack(x),
                                             *pending)).items()}
      pending.clear()
      scalars['steps_per_sec'] = progress.report(step, scalars)
      writer.write_scalars(step, scalars)
    if step % config.train.sample_every == 0 or last:
      sheet = images.grid(images.to_uint8(jax.device_get(samples(state)),
                                          gan.models.value_range))
      if is_main:
        images.save_png(workdir / 'samples' / f'step_{step:07d}.png', sheet)
      writer.write_image(step, 'samples', sheet)
    if step % config.train.checkpoint_every == 0 or last:
      checkpoints.save(step, state, saved_config)

  checkpoints.wait()
  checkpoints.close()
  writer.close()
  return state
