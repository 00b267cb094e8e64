"""A run stopped and resumed ends bit-identical to one that ran straight."""
import jax
import numpy as np

from gan_jax import train
from tiny import tiny_config


def _config(num_steps):
  # The paper's model: SGD with decaying lr and epoch-based momentum, and
  # dropout, so optimiser state, schedules and every RNG stream are covered.
  return tiny_config('maxout_mlp', train__num_steps=num_steps,
                     train__checkpoint_every=4, train__sample_every=100,
                     train__log_every=2, train__ema_decay=0.9,
                     data__split='train[:160]')   # 10 steps per epoch


def test_resume_is_bit_identical(tmp_path):
  straight = train.train_and_evaluate(_config(24), str(tmp_path / 'straight'))
  train.train_and_evaluate(_config(13), str(tmp_path / 'resumed'))
  resumed = train.train_and_evaluate(_config(24), str(tmp_path / 'resumed'))

  assert int(resumed.step) == int(straight.step) == 24
  leaves = jax.tree_util.tree_leaves_with_path(straight)
  for (path, a), b in zip(leaves, jax.tree.leaves(resumed)):
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b),
                                  err_msg=jax.tree_util.keystr(path))
  # The resumed run really resumed: it logged only the steps after 13.
  steps = [int(line.split(',')[0].split(':')[1]) for line in
           (tmp_path / 'resumed' / 'metrics.jsonl').read_text().splitlines()]
  assert steps == list(range(2, 13, 2)) + [13] + list(range(14, 25, 2))
