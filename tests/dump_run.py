"""Runs a tiny training in a fresh process and saves its final state.

Used by tests that need a different device count (XLA_FLAGS must be set
before JAX starts) or a separate process. With GAN_JAX_COORDINATOR etc. set, it is one process
of a multi-process run (gan_jax.distributed), and only process 0 saves OUT.
  python tests/dump_run.py MODEL WORKDIR OUT.npz [KEY=VALUE ...]
"""
import ast
import sys

import jax
import numpy as np

from gan_jax import distributed, train
from tiny import tiny_config


def main(model: str, workdir: str, out: str, *overrides: str) -> None:
  distributed.initialize(distributed.layout_from())
  extra = {}
  for item in overrides:
    key, value = item.split('=', 1)
    extra[key.replace('.', '__')] = ast.literal_eval(value)
  state = train.train_and_evaluate(tiny_config(model, **extra), workdir)
  if not distributed.is_main_process():
    return
  leaves = jax.tree_util.tree_leaves_with_path(jax.device_get(state))
  np.savez(out, devices=jax.device_count(), **{
      jax.tree_util.keystr(path): np.asarray(leaf) for path, leaf in leaves})


if __name__ == '__main__':
  main(*sys.argv[1:])
