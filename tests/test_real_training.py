"""A short run on the real MNIST: the adversarial game visibly starts.

Early on D(x) and D(G(z)) are both near 1/2; D learns to tell real from fake
(D(x) up, D(G(z)) down), and the non-saturating G loss, -log D(G(z)), rises
in response. A broken gradient path in either player breaks one of these.
"""
import json

import numpy as np

from gan_jax import train
from tiny import tiny_config


def test_discriminator_separates_and_generator_loss_responds(tmp_path):
  config = tiny_config('dcgan', train__num_steps=150, train__log_every=10,
                       train__batch_size=32, train__sample_every=1000,
                       train__checkpoint_every=1000, model__width=8,
                       model__z_dim=16)
  train.train_and_evaluate(config, str(tmp_path))
  logs = [json.loads(l) for l in
          (tmp_path / 'metrics.jsonl').read_text().splitlines()]
  gap = np.array([r['d_real'] - r['d_fake'] for r in logs])
  g_loss = np.array([r['g_loss'] for r in logs])

  assert gap[0] < 0.4, gap
  assert gap[-5:].mean() > 0.6, gap
  assert g_loss[-5:].mean() > 2 * g_loss[0], g_loss
  # -log D(G(z)) is what was logged: it must agree with the D(G(z)) column.
  assert np.all(g_loss >= -np.log(np.array([r['d_fake'] for r in logs])) - 1)
