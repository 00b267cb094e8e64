"""A checkpoint written before TrainState gained a field still resumes."""
import flax
import jax
import jax.numpy as jnp
import numpy as np

from gan_jax.checkpoints import Checkpoints, abstract_like
from gan_jax.train_state import TrainState


@flax.struct.dataclass
class Before:
  step: jax.Array
  params: dict


@flax.struct.dataclass
class After:
  step: jax.Array
  params: dict
  extra: dict


def _abstract(state):
  return abstract_like(state, jax.sharding.SingleDeviceSharding(
      jax.devices()[0]))


def test_new_fields_take_their_initial_values(tmp_path):
  old = Before(step=jnp.array(7), params={'w': jnp.arange(3.0)})
  checkpoints = Checkpoints(tmp_path / 'checkpoints', async_save=False)
  checkpoints.save(7, old, config={})
  checkpoints.close()

  fresh = After(step=jnp.array(0), params={'w': jnp.zeros(3)},
                extra={'k': jnp.array(0.25)})
  checkpoints = Checkpoints(tmp_path / 'checkpoints')
  state, step, _ = checkpoints.restore_latest(_abstract(fresh),
                                              initial=lambda: fresh)
  checkpoints.close()
  assert step == 7 and int(state.step) == 7
  np.testing.assert_array_equal(state.params['w'], [0.0, 1.0, 2.0])
  assert float(state.extra['k']) == 0.25
  assert not (tmp_path / 'corrupt_checkpoints').exists()


def test_trainstate_with_empty_extra_round_trips(tmp_path):
  state = TrainState(step=jnp.array(3), key=jax.random.PRNGKey(0),
                     g_params={'w': jnp.ones(2)}, d_params={'v': jnp.ones(1)},
                     g_stats={}, d_stats={}, g_opt_state=(), d_opt_state=(),
                     g_ema={'w': jnp.ones(2)})
  assert state.extra == {}
  checkpoints = Checkpoints(tmp_path / 'checkpoints', async_save=False)
  checkpoints.save(3, state, config={})
  restored, _, _ = checkpoints.restore_latest(_abstract(state),
                                              initial=lambda: state)
  checkpoints.close()
  np.testing.assert_array_equal(restored.g_ema['w'], [1.0, 1.0])
  assert restored.extra == {}
