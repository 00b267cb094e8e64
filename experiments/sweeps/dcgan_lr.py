"""Four Adam learning rates of DCGAN on MNIST, short runs (the README's sweep).

  ./launch.sh sweep experiments/sweeps/dcgan_lr.py --workdir=runs/sweeps/dcgan_lr
  python -m gan_jax.report runs/sweeps/dcgan_lr --metric=eval/fid

Every point scores 5,000 samples (FID, KID, IS) every 100 steps, so the
report can plot FID over training for all points.
"""
CONFIG = 'experiments/dcgan.py:steps=300'
_COMMON = {'eval.every': 100, 'eval.num_samples': 5000,
           'eval.metrics': 'fid,kid,is', 'train.log_every': 50,
           'train.sample_every': 300, 'train.checkpoint_every': 300}


def get_sweep():
  return [{**_COMMON, 'optim.g.learning_rate': lr, 'optim.d.learning_rate': lr}
          for lr in (5e-5, 1e-4, 2e-4, 4e-4)]
