"""The training loop: config -> data -> models -> train step -> loop.

Everything here but `train_and_evaluate`'s loop is pure set-up; the loop is
the only place with side effects (checkpoints, logs, sample sheets), and it
talks to the device only at log, sample and checkpoint steps.
"""
import json
import logging
import signal
from typing import Any

import jax
import ml_collections
import numpy as np
from etils import epath

from gan_jax import (config_checks, cpu_speed, data, distributed, evaluation,
                     images, parallel, population, preemption, rng, translation,
                     workdir_lock)
from gan_jax.checkpoints import Checkpoints, abstract_like
from gan_jax.cyclegan_step import make_cyclegan_step
from gan_jax.data.sampler import (DeviceData, sample_labels, sample_real,
                                  sample_unpaired, steps_per_epoch)
from gan_jax.errors import ConfigError, Interrupted, NonFiniteError
from gan_jax.generation import Sampler
from gan_jax.losses import build_loss
from gan_jax.metric_writer import MetricWriter, Progress
from gan_jax.models import (balanced_labels, build_models, sample_noise,
                            sheet_labels)
from gan_jax.optim import build_optimizer
from gan_jax.train_state import TrainState
from gan_jax.train_step import (Gan, make_train_step, nonfinite_names,
                               state_factory)


def load_training_set(config: ml_collections.ConfigDict
                      ) -> tuple[np.ndarray, np.ndarray]:
  """(examples, labels) of the split the run trains on, padded to
  `data.pad_to` if set."""
  examples, labels = data.load_split(config.data.name, config.data.split,
                                     config.data.dir, config.data.tfds_dir)
  size = config.data.get('pad_to', 0)
  if size and size < max(examples.shape[1:3]):
    raise ConfigError(f'data.pad_to={size} is smaller than the dataset\'s '
                      f'{examples.shape[1]}x{examples.shape[2]} images; set '
                      f'it to 0 (off) or at least {max(examples.shape[1:3])}')
  return images.pad_to(examples, size), labels


def load_training_images(config: ml_collections.ConfigDict) -> np.ndarray:
  return load_training_set(config)[0]


def build_gan(config: ml_collections.ConfigDict,
              image_shape: tuple[int, int, int], num_examples: int) -> Gan:
  """Resolves every name in the config into the parts of the update rule."""
  config_checks.check_config(config)
  per_epoch = steps_per_epoch(
      num_examples, config.train.d_steps * config.train.batch_size)
  return Gan(
      models=build_models(config.model, image_shape),
      loss=build_loss(config.loss),
      g_tx=build_optimizer(config.optim.g, per_epoch),
      d_tx=build_optimizer(config.optim.d, per_epoch, config.train.d_steps),
      d_steps=config.train.d_steps,
      simultaneous=config.train.update_scheme == 'simultaneous',
      ema_decay=config.train.ema_decay,
      skip_nonfinite=config.train.on_nonfinite == 'skip',
      d_clip=config.loss.clip,
      info_weight=config.loss.info_weight,
      cycle_weight=config.loss.get('cycle_weight', 10.0),
      identity_weight=config.loss.get('identity_weight', 0.0))


def make_dataset_step(gan: Gan, batch_size: int,
                      mesh: jax.sharding.Mesh | None):
  """(state, DeviceData) -> (state, metrics): sample a batch, then update.

  With a mesh, the batch is split over its devices (data parallelism);
  without, the caller shards something else (a population's members).
  """
  translating = gan.models.translation  # CycleGAN: two domains, own step
  update = (make_cyclegan_step if translating else make_train_step)(gan)
  sample = sample_unpaired if translating else sample_real

  def step(state: TrainState, dataset: DeviceData):
    real = sample(dataset.examples, state.key, state.step, gan.d_steps,
                  batch_size, gan.models.value_range)
    labels = None
    if gan.models.num_classes:
      labels = sample_labels(dataset.labels, state.key, state.step,
                             gan.d_steps, batch_size)
    if mesh is not None:
      real, labels = jax.lax.with_sharding_constraint(
          (real, labels), parallel.batch_sharding(mesh, batch_axis=1))
    return update(state, real, labels)

  return step


def compile_train_step(gan: Gan, batch_size: int, mesh: jax.sharding.Mesh,
                       state: TrainState, dataset: DeviceData,
                       members: int = 1, member_loop: str = 'vmap'):
  """The (state, dataset) -> (state, metrics) that the loop runs, compiled
  for arguments like these (`cpu_speed.compile_step` picks the form).

  Shardings are explicit on both sides: left to inference, XLA:CPU ran the
  2014 model's step several times slower here, and the donated state could
  come back laid out differently from how it went in.
  """
  state_sharding = parallel.state_sharding(mesh, members)
  step_fn = make_dataset_step(gan, batch_size, mesh if members == 1 else None)
  if members > 1:
    step_fn = population.over_members(step_fn, members, member_loop)
  replicated = parallel.replicated(mesh)
  step = jax.jit(step_fn, in_shardings=(state_sharding, replicated),
                 out_shardings=(state_sharding, replicated), donate_argnums=0)
  return cpu_speed.compile_step(
      step.lower(state, dataset), mesh.devices.flat[0].platform,
      unrolled_members=members > 1 and member_loop == 'unroll')


def put_dataset(images_: np.ndarray, mesh: jax.sharding.Mesh,
                labels: np.ndarray | None = None) -> DeviceData:
  """The training set, replicated on every device of every host; each host
  reads it from its own disk, so nothing crosses the network."""
  put = lambda x: jax.make_array_from_callback(
      x.shape, parallel.replicated(mesh), lambda index: x[index])
  return DeviceData(put(images_),
                    None if labels is None else put(labels.astype(np.int32)))


def train_and_evaluate(config: ml_collections.ConfigDict,
                       workdir: str) -> TrainState:
  """Trains (or resumes) the run in `workdir`; returns the final state."""
  config_checks.check_config(config)
  population.learning_rates(config)  # checked before anything is written
  mesh = parallel.make_mesh()
  if config.population == 1:
    parallel.check_batch_size(config.train.batch_size, mesh)
  train_images, train_labels = load_training_set(config)
  gan = build_gan(config, tuple(train_images.shape[1:]), len(train_images))
  if gan.models.num_classes:
    check_labels(train_labels, gan.models.num_classes, config.data.name)
  else:
    train_labels = None
  # Every check has passed: only now is anything written to the workdir.
  workdir = epath.Path(workdir)
  with workdir_lock.hold(workdir, lock=distributed.is_main_process()), \
      preemption.stop_on_signals() as stop:
    return _train(config, workdir, gan, mesh, train_images, train_labels,
                  stop)


def check_labels(labels: np.ndarray, num_classes: int, dataset: str) -> None:
  classes = int(labels.max()) + 1 if len(labels) else 0
  if classes > num_classes:
    raise ConfigError(f'model.num_classes={num_classes}, but {dataset} has '
                      f'{classes} classes; set model.num_classes={classes}')


def _train(config, workdir, gan, mesh, train_images, train_labels,
           stop) -> TrainState:
  """The loop: the only code here with side effects."""
  image_shape = tuple(train_images.shape[1:])
  is_main = distributed.is_main_process()
  checkpoints = Checkpoints(workdir / 'checkpoints',
                            config.train.keep_checkpoints)
  saved_config = config.to_dict()
  # What tools that load this run (sample, evaluate, figures) need to rebuild
  # the models without reading the dataset.
  data_info = {'image_shape': list(image_shape),
               'num_examples': len(train_images)}

  members, view = config.population, population.view(config)
  state_sharding = parallel.state_sharding(mesh, members)
  init = jax.jit(population.make_init(state_factory(gan, image_shape), config),
                 out_shardings=state_sharding)

  def check_resume(step, meta):
    changes = config_checks.resume_changes(meta['config'], saved_config)
    if changes and is_main:
      logging.warning('resuming step %d with changed %s', step, changes)
      with (workdir / 'resumes.jsonl').open('a') as f:
        f.write(json.dumps({'step': step, 'changed': changes}) + '\n')

  restored = checkpoints.restore_latest(
      abstract_like(jax.eval_shape(init), state_sharding), check_resume, init)
  if restored:
    state, start, _ = restored
    logging.info('resumed from %s at step %d', checkpoints.directory, start)
  else:
    state, start = init(), 0
  out_dirs = population.output_dirs(workdir, members)
  writers = [MetricWriter(d, enabled=is_main) for d in out_dirs]

  dataset = put_dataset(train_images, mesh, train_labels)
  train_step = compile_train_step(gan, config.train.batch_size, mesh, state,
                                  dataset, members, population.loop(config))
  sampler = Sampler(gan)
  # Fixed z per member, so that sample sheets are comparable across steps.
  noise_for = lambda i, n, counter: sample_noise(
      gan.models, rng.key_for(view(state, i).key, rng.Stream.SAMPLES, counter),
      n)
  sheet_z = [noise_for(i, config.train.num_samples, 0) for i in range(members)]
  sheet_y = sheet_labels(gan.models, config.train.num_samples)  # row i = class i
  draw_sheet = lambda state, i: images.sheet(sampler(state, sheet_z[i],
                                                     sheet_y))
  if gan.models.translation:  # each column: a there and back, b likewise
    translator = translation.Translator(gan)
    sheet_x = train_images[:config.train.num_samples]
    draw_sheet = lambda state, i: translation.sheet_rows(
        sheet_x, *translator(state, sheet_x))
  eval_every = config.eval.every
  if eval_every:
    eval_metrics = evaluation.parse_metrics(config.eval.metrics)
    eval_z = [noise_for(i, config.eval.num_samples, 1)
              for i in range(members)]

  total, every = config.train.num_steps, config.train
  progress = Progress(total, start)
  pending: list[dict[str, Any]] = []   # device metrics since the last log
  guard = NonFiniteGuard(gan.skip_nonfinite, checkpoints)
  for step in range(start + 1, total + 1):
    state, metrics = train_step(state, dataset)
    pending.append(metrics)
    guard.watch(step, metrics['nonfinite'])
    last = step == total
    log = step % every.log_every == 0 or last
    # The signal flag is read once per step; hosts agree on it at log steps.
    stopping = distributed.should_stop(bool(stop), sync_point=log)
    sample = step % every.sample_every == 0 or last
    save = step % every.checkpoint_every == 0 or last or stopping
    score = eval_every and (step % eval_every == 0 or last)
    if log or sample or save or score:
      guard.check()  # never log, draw or save a state that went non-finite
    if log:
      host = jax.device_get(pending)
      pending.clear()
      per_member = [_mean_scalars([view(m, i) for m in host])
                    for i in range(members)]
      rate = progress.report(step, {k: float(np.mean([m[k] for m in
                                                      per_member]))
                                    for k in per_member[0]})
      for writer, scalars in zip(writers, per_member):
        writer.write_scalars(step, {**scalars, 'steps_per_sec': rate})
    for i, (out_dir, writer) in enumerate(zip(out_dirs, writers)):
      if sample:
        sheet = draw_sheet(view(state, i), i)
        if is_main:
          images.save_png(out_dir / 'samples' / f'step_{step:07d}.png', sheet)
        writer.write_image(step, 'samples', sheet)
      if score:
        record = evaluation.evaluate_samples(
            sampler(view(state, i), eval_z[i]), config, step, eval_metrics,
            out_dir, balanced_labels(gan.models, len(eval_z[i])))
        writer.write_scalars(step, {f'eval/{k}': v for k, v in record.items()
                                    if k not in ('step', 'num_samples')})
        logging.info('step %d evaluation: %s', step, json.dumps(record))
    if save:
      checkpoints.save(step, state, saved_config, data=data_info)
    if stopping:
      _close(checkpoints, writers)
      # On a host that got no signal itself, a peer was preempted: SIGTERM.
      raise Interrupted(stop.signum or signal.SIGTERM, step)

  _close(checkpoints, writers)
  return state


def _close(checkpoints: Checkpoints, writers: list[MetricWriter]) -> None:
  checkpoints.close()
  for writer in writers:
    writer.close()


def _mean_scalars(host: list[dict[str, Any]]) -> dict[str, float]:
  return {k: float(np.mean([m[k] for m in host])) for k in host[0]
          if k != 'nonfinite'}


class NonFiniteGuard:
  """Finds NaN/Inf steps from flags the step computed on device.

  The flags are read only when the loop syncs anyway (log, sample and
  checkpoint steps), so detection costs no per-step host round trip and
  happens within `train.log_every` steps. In 'stop' mode the run ends before
  anything from the bad state is written; in 'skip' mode the step already
  dropped the update and we only report it.
  """

  def __init__(self, skip: bool, checkpoints: Checkpoints):
    self._skip, self._checkpoints = skip, checkpoints
    self._unchecked: list[tuple[int, jax.Array]] = []
    self.skipped = 0

  def watch(self, step: int, mask: jax.Array) -> None:
    self._unchecked.append((step, mask))

  def check(self) -> None:
    steps = [s for s, _ in self._unchecked]
    masks = jax.device_get([m for _, m in self._unchecked])
    self._unchecked.clear()
    masks = [int(np.bitwise_or.reduce(np.ravel(m))) for m in masks]
    bad = [(s, m) for s, m in zip(steps, masks) if m]
    if not bad:
      return
    first, mask = bad[0]
    what = ', '.join(nonfinite_names(mask))
    if self._skip:
      self.skipped += len(bad)
      logging.warning('skipped %d update(s) with non-finite values, the first '
                      'at step %d (%s); %d skipped so far', len(bad), first,
                      what, self.skipped)
      return
    self._checkpoints.close()
    kept = self._checkpoints.latest_step()
    raise NonFiniteError(
        f'non-finite {what} at step {first}; stopped before saving anything '
        f'from it (last good checkpoint: '
        f'{kept if kept is not None else "none"}); lower the learning rate or '
        'set --config.train.on_nonfinite=skip')
