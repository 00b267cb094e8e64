"""GMMN on MNIST (Li et al. 2015, "input space" model), from the authors' code.

yujiali/gmmn train.py, mnist_mmd_input_space: 10-d noise from U[-1, 1]
through ReLU 64 -> 256 -> 256 -> 1024 to 784 sigmoid pixels; G minimises
sqrt(MMD^2) between a batch of 1000 samples and 1000 training images under
the kernel sum_s exp(-|x-y|^2 / (2 s)), s in (2, 5, 10, 20, 40, 80); SGD with
learning rate 2 and momentum 0.9 for 40,000 updates, the rate divided by 10
and momentum raised to 0.99 after 10,000.

Differences: our 'uniform' noise is U(-sqrt 3, sqrt 3), the paper's rescaled
(the first layer absorbs the factor); the step changes at update 10,000 are
smooth here (rate divided by 10^(1/10000) per update down to 0.2, momentum
rising linearly to 0.99 by then), as our SGD schedules have no steps; G's
weights start from U(-0.05, 0.05).

  python -m gan_jax.main --config=experiments/gmmn_mnist.py --workdir=/tmp/gmmn
  python -m gan_jax.main --config=experiments/gmmn_mnist.py:steps=2000,batch=500 ...
"""
from gan_jax import configs

_TRAIN_IMAGES = 50_000


def get_config(arg=None):
  arg = configs.parse_arg(arg, steps=40_000, batch=1000)
  config = configs.base_config()
  config.data.name = 'mnist'
  config.data.split = 'train[:50000]'
  config.model.name = 'gmmn'
  config.model.z_dim = 10
  config.model.z_dist = 'uniform'
  config.model.g_hidden = (64, 256, 256, 1024)
  config.model.g_irange = 0.05
  config.loss.name = 'mmd'
  config.loss.mmd_sigmas = (2.0, 5.0, 10.0, 20.0, 40.0, 80.0)
  drop_epoch = 10_000 // (_TRAIN_IMAGES // arg.batch)  # momentum is per epoch
  config.optim.g = configs.sgd(2.0, momentum=0.9, final_momentum=0.99,
                               momentum_start=0, momentum_saturate=drop_epoch,
                               lr_decay=10 ** (1 / 10_000), min_lr=0.2)
  config.optim.d = configs.sgd(0.0)  # D has no parameters
  config.train.batch_size = arg.batch
  config.train.num_steps = arg.steps
  config.train.num_samples = 100
  config.train.log_every = 100
  config.eval.metrics = 'fid,kid,is,pr,dc,parzen'
  return config
