"""A population member is the same GAN as a lone run with its seed and rates."""
import jax
import numpy as np
import pytest

from gan_jax import cpu_speed, parallel, population, train
from gan_jax.train_step import state_factory
from tiny import tiny_config


def _config(**extra):
  return tiny_config('dcgan', **{
      'train__num_steps': 4, 'train__log_every': 2, 'train__sample_every': 4,
      'train__checkpoint_every': 4, **extra})


@pytest.mark.parametrize('loop', ['vmap', 'unroll'])
def test_members_match_lone_runs_and_write_their_own_outputs(tmp_path, loop):
  pop = train.train_and_evaluate(
      _config(population=2, population_lrs='1e-3,2e-4', population_loop=loop),
      str(tmp_path / 'p'))
  for i, (seed, lr) in enumerate([(0, 1e-3), (1, 2e-4)]):
    alone = train.train_and_evaluate(
        _config(seed=seed, optim__g__learning_rate=lr,
                optim__d__learning_rate=lr), str(tmp_path / f'alone{i}'))
    member = population.member(pop, i)
    for a, b in zip(jax.tree.leaves(alone.g_params),
                    jax.tree.leaves(member.g_params)):
      np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
    for a, b in zip(jax.tree.leaves(alone.d_params),
                    jax.tree.leaves(member.d_params)):
      np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
    out = tmp_path / 'p' / 'members' / str(i)
    assert (out / 'samples' / 'step_0000004.png').exists()
    assert len((out / 'metrics.jsonl').read_text().splitlines()) == 2


def test_bad_population_rates_are_config_errors(tmp_path):
  from gan_jax.errors import ConfigError
  with pytest.raises(ConfigError, match='has 1 values for config.population=2'):
    train.train_and_evaluate(_config(population=2, population_lrs='1e-3'),
                             str(tmp_path))
  assert not tmp_path.joinpath('checkpoints').exists()


def test_population_rates_refuse_an_annealed_adam(tmp_path):
  from gan_jax.errors import ConfigError
  config = _config(population=2, population_lrs='1e-3,2e-4')
  config.optim.d.decay_steps = 10
  with pytest.raises(ConfigError, match=r'optim.d \(adam\) has a schedule'):
    train.train_and_evaluate(config, str(tmp_path))
  assert not tmp_path.joinpath('checkpoints').exists()


def test_auto_unrolls_convolutional_members_on_cpu_only(monkeypatch):
  config = _config(population=2)
  assert population.loop(config) == 'unroll'  # the suite runs on CPU
  assert population.loop(tiny_config('mlp', population=2)) == 'vmap'
  monkeypatch.setattr(jax, 'default_backend', lambda: 'gpu')
  assert population.loop(config) == 'vmap'
  config.population_loop = 'unroll'
  assert population.loop(config) == 'unroll'


def _unrolled_step_temporaries(members: int) -> int:
  config = _config(population=members, population_loop='unroll')
  mesh = parallel.make_mesh()
  images = train.load_training_images(config)
  gan = train.build_gan(config, images.shape[1:], len(images))
  state = jax.jit(population.make_init(
      state_factory(gan, images.shape[1:]), config))()
  step = train.compile_train_step(gan, config.train.batch_size, mesh, state,
                                  train.put_dataset(images, mesh), members,
                                  'unroll')
  return cpu_speed.temp_bytes(step)


def test_unrolled_members_share_their_temporaries():
  """Scheduled for concurrency, each member kept its own."""
  assert _unrolled_step_temporaries(2) < 1.5 * _unrolled_step_temporaries(1)
