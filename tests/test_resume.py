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


def test_relative_workdir_survives_several_saves(tmp_path, monkeypatch):
  """Orbax wants absolute paths: a relative --workdir used to fail at the
  second asynchronous save (found by the 2014 reproduction run)."""
  monkeypatch.chdir(tmp_path)
  config = _config(6)
  config.train.checkpoint_every = 2
  train.train_and_evaluate(config, 'runs/relative')
  steps = sorted(int(p.name) for p in
                 (tmp_path / 'runs/relative/checkpoints').iterdir()
                 if p.name.isdigit())
  assert steps[-1] == 6
