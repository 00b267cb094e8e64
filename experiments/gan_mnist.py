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
  config = configs.goodfellow2014(learning_rate=0.1, g_hidden=(1200, 1200),
                                  d_units=240, z_dist='uniform')
  config.data.name = 'mnist'
  config.data.split = 'train[:50000]'
  config.train.num_steps = arg.epochs * 500   # 50,000 / 100 per epoch
  return config
