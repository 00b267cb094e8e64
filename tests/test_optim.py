"""The 2014 paper's SGD: pylearn2's momentum rule and both schedules."""
import jax
import jax.numpy as jnp
import ml_collections
import numpy as np

from gan_jax import configs, train
from gan_jax.optim import build_optimizer, learning_rate, sgd_schedules


def _paper_sgd():
  return configs.sgd(0.1, momentum=0.5, final_momentum=0.7, momentum_start=1,
                     momentum_saturate=3, lr_decay=1.5, min_lr=0.02)


def test_sgd_matches_a_direct_pylearn2_loop():
  steps_per_epoch = 2
  tx = build_optimizer(_paper_sgd(), steps_per_epoch)
  grad_fn = jax.grad(lambda p: jnp.sum(p ** 2 * jnp.arange(1.0, 4.0)))
  params = jnp.array([1.0, -2.0, 0.5])
  state = tx.init(params)

  p, v = np.array([1.0, -2.0, 0.5]), np.zeros(3)
  for t in range(9):
    epoch = t // steps_per_epoch
    lr = max(0.1 / 1.5 ** t, 0.02)
    alpha = min(max((epoch - 1) / 2, 0.0), 1.0)
    momentum = (1 - alpha) * 0.5 + alpha * 0.7
    g = 2 * p * np.arange(1.0, 4.0)
    v = momentum * v - lr * g
    p = p + v
    updates, state = tx.update(grad_fn(params), state, params)
    params = params + updates
    np.testing.assert_allclose(learning_rate(state), lr, rtol=1e-6)
    np.testing.assert_allclose(params, p, rtol=1e-5, err_msg=f'update {t}')


def test_gan_mnist_config_has_the_papers_schedule():
  from tiny import load_experiment
  config = load_experiment('gan_mnist.py')
  lr, momentum = sgd_schedules(config.optim.d, steps_per_epoch=500)
  assert float(momentum(0)) == float(momentum(999)) == 0.5  # epochs 0 and 1
  np.testing.assert_allclose(momentum(1000), 0.5 + 0.2 / 249, rtol=1e-6)
  np.testing.assert_allclose(momentum(250 * 500), 0.7, rtol=1e-6)
  np.testing.assert_allclose(momentum(10 ** 6), 0.7, rtol=1e-6)
  np.testing.assert_allclose(lr(1000), 0.1 / 1.000004 ** 1000, rtol=1e-5)
  np.testing.assert_allclose(lr(10 ** 7), 1e-6, rtol=1e-5)
  assert config.train.batch_size == 100
  assert config.data.split == 'train[:50000]'
  assert isinstance(config.optim.g, ml_collections.ConfigDict)


def test_adam_anneals_its_rate_by_cosine_to_the_floor():
  tx = build_optimizer(configs.adam(1e-3, decay_steps=4, decay_to=0.1), 1)
  params = jnp.zeros(2)
  state = tx.init(params)
  rates = []
  for _ in range(6):
    _, state = tx.update(jnp.ones(2), state, params)
    rates.append(float(learning_rate(state)))
  cosine = [1e-3 * (0.1 + 0.9 * 0.5 * (1 + np.cos(np.pi * t / 4)))
            for t in range(6)]
  np.testing.assert_allclose(rates, [*cosine[:4], 1e-4, 1e-4], rtol=1e-5)


def test_adam_without_decay_steps_keeps_its_rate():
  tx = build_optimizer(configs.adam(2e-4), 1)
  state = tx.init(jnp.zeros(2))
  for _ in range(3):
    _, state = tx.update(jnp.ones(2), state, jnp.zeros(2))
  np.testing.assert_allclose(learning_rate(state), 2e-4, rtol=1e-6)


def test_d_rate_follows_the_training_step_when_d_updates_k_times():
  """With d_steps=k, D's annealed rate at step t is G's, not G's at k*t.

  Before the fix D's schedule counted its own updates, so an annealed D
  reached the floor at step num_steps / k and stopped learning.
  """
  from tiny import load_experiment
  config = load_experiment('ring.py', 'steps=8,anneal=True')
  config.train.d_steps = 2
  gan = train.build_gan(config, (2,), 100)
  params = jnp.zeros(2)
  g_state, d_state = gan.g_tx.init(params), gan.d_tx.init(params)
  for _ in range(5):
    _, g_state = gan.g_tx.update(jnp.ones(2), g_state, params)
    for _ in range(config.train.d_steps):
      _, d_state = gan.d_tx.update(jnp.ones(2), d_state, params)
  assert float(learning_rate(g_state)) > 0.3 * config.optim.g.learning_rate
  np.testing.assert_allclose(learning_rate(d_state), learning_rate(g_state),
                             rtol=1e-6)


def test_dcgan_config_is_the_papers_recipe_until_arguments_depart():
  from tiny import load_experiment
  config = load_experiment('dcgan.py')
  for optim in (config.optim.g, config.optim.d):
    assert (optim.learning_rate, optim.b1, optim.b2) == (2e-4, 0.5, 0.999)
  assert config.train.batch_size == 128
  config = load_experiment('dcgan.py', 'lr=2e-3,b2=0.99,batch=64')
  for optim in (config.optim.g, config.optim.d):
    assert (optim.learning_rate, optim.b1, optim.b2) == (2e-3, 0.5, 0.99)
  assert config.train.batch_size == 64
