"""The 2014 GAN paper's MNIST model (Goodfellow et al., Table 1), faithfully.

From the paper's pylearn2 configuration: 100-d noise from U(-sqrt3, sqrt3);
G is ReLU 1200 -> ReLU 1200 -> sigmoid 784; D is maxout 240x5 -> maxout 240x5
-> sigmoid, with dropout (keep 0.8 on the input, 0.5 on hidden layers). SGD,
learning rate 0.1 divided by 1.000004 per update down to 1e-6, momentum 0.5
rising linearly to 0.7 from epoch 1 to 250, batch 100, trained on the first
50,000 training images (50,000-59,999 are the validation split). One D and
one G update per minibatch, computed simultaneously from the same state
(k = 1), with the non-saturating G objective.
"""
from gan_jax import configs


def get_config(arg=None):
  arg = configs.parse_arg(arg, epochs=250)
  config = configs.base_config()
  config.data.name = 'mnist'
  config.data.split = 'train[:50000]'

  config.model.name = 'maxout_mlp'
  config.model.z_dim = 100
  config.model.z_dist = 'uniform'
  config.model.g_hidden = (1200, 1200)
  config.model.g_irange = 0.05
  config.model.d_units = 240
  config.model.d_pieces = 5
  config.model.d_layers = 2
  config.model.d_input_dropout = 0.2
  config.model.d_hidden_dropout = 0.5
  config.model.d_irange = 0.005

  config.loss.name = 'non_saturating'
  paper_sgd = configs.sgd(0.1, momentum=0.5, final_momentum=0.7,
                          momentum_start=1, momentum_saturate=250,
                          lr_decay=1.000004, min_lr=1e-6)
  config.optim.g = paper_sgd
  config.optim.d = paper_sgd.copy_and_resolve_references()

  config.train.batch_size = 100
  config.train.num_steps = arg.epochs * 500   # 50,000 / 100 per epoch
  config.train.update_scheme = 'simultaneous'
  config.train.d_steps = 1
  config.train.num_samples = 100
  config.train.log_every = 500
  config.train.checkpoint_every = 5000
  config.train.sample_every = 5000
  return config
