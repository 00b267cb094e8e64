"""Progressive growing (Karras et al. 2018) on MNIST padded to 32x32.

Resolutions 4 -> 8 -> 16 -> 32, `stage_steps` updates each; every stage
after the first spends its first half fading the new resolution in (G's
output and the reals alike), then trains it stable. After the last stage it
trains at 32x32 to `steps`. The paper's recipe, scaled down: equalised
learning rate, pixel norm, minibatch stddev, Adam(1e-3, b1=0, b2=0.99), G
EMA 0.999; the non-saturating loss here (the paper: WGAN-GP with drift;
--config.loss.name=wasserstein --config.loss.penalty=gp). Samples are 32x32;
evaluation crops their centre 28x28 for the MNIST classifier.

  python -m gan_jax.main --config=experiments/progan_mnist.py --workdir=runs/progan
  python -m gan_jax.main --config=experiments/progan_mnist.py:stage_steps=400,steps=2000,width=16 ...
"""
from gan_jax import configs


def get_config(arg=None):
  arg = configs.parse_arg(arg, width=16, stage_steps=2_000, steps=10_000,
                          fade_fraction=0.5)
  config = configs.base_config()
  config.data.name = 'mnist'
  config.data.pad_to = 32
  config.model.name = 'progan'
  config.model.width = arg.width        # channels at 32x32 (8x that at 4x4)
  config.model.z_dim = 128
  config.model.stage_steps = arg.stage_steps
  config.model.fade_fraction = arg.fade_fraction
  config.loss.name = 'non_saturating'
  config.optim.g = configs.adam(1e-3, b1=0.0, b2=0.99)
  config.optim.d = configs.adam(1e-3, b1=0.0, b2=0.99)
  config.train.batch_size = 64
  config.train.ema_decay = 0.999
  config.train.num_steps = arg.steps
  config.train.num_samples = 100
  return config
