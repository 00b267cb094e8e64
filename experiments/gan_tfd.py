"""The 2014 GAN paper's TFD model (Goodfellow et al.), from its pylearn2 code.

From goodfeli/adversarial's tfd_pretrain/{pretrain,train}.yaml: D is maxout
1200x5 -> maxout 1200x5 -> sigmoid with dropout as for MNIST (keep 0.8 on the
input, 0.5 on hidden layers) and U(-0.005, 0.005) weights; SGD, learning rate
0.05 divided by 1.000004 per update down to 1e-6, momentum 0.5 rising
linearly to 0.7 from epoch 1 to 250; batch 100; one simultaneous D and G
update per minibatch (k = 1) with the non-saturating G objective; trained on
TFD's unlabelled faces (pylearn2's TFD('unlabeled'): 98,058 images, 980
updates per epoch), for 50 epochs and then 22 more.

G is an approximation. The paper's maps 100-d Gaussian noise (its Generator's
default, which the yaml keeps) through ReLU 8000 -> sigmoid 8000 -> sigmoid
2304 for those 50 epochs, then inserts ReLU 8000 -> sigmoid 100 below them
for the last 22; every layer of G and D has a max column norm of 1.9365, and
the output bias starts from the data's pixel marginals. `maxout_mlp` has ReLU
hidden layers, a single stage, zero biases and no norm limit, so we keep the
first stage's widths, Gaussian noise -> ReLU 8000 -> ReLU 8000 -> sigmoid
2304 (83M parameters), trained for all 72 epochs in one go.

Evaluation follows the paper, per fold: for f in 0..4 the Parzen width is
chosen on the split `fold{f}_valid` and the log-likelihood measured on
`fold{f}_test`; the result is the mean and standard error over the folds
(`python -m gan_jax.evaluate --workdir=/tmp/tfd`; parzen is the only metric,
as there is no TFD classifier). Not run here: we have no copy of TFD.

  python -m gan_jax.main --config=experiments/gan_tfd.py --workdir=/tmp/tfd \
      --config.data.dir=/folder/with/TFD_48x48.mat

`:fold=N` (0..4) trains on fold N's labelled training split, `fold{N}_train`,
instead of the unlabelled images, for as many updates; `:epochs=N` sets the
length in epochs of the unlabelled set.
"""
from gan_jax import configs
from gan_jax.data import tfd
from gan_jax.errors import ConfigError

_UPDATES_PER_EPOCH = 98_058 // 100  # The real file's unlabelled images.


def get_config(arg=None):
  arg = configs.parse_arg(arg, epochs=72, fold=-1)
  if not -1 <= arg.fold < tfd.NUM_FOLDS:
    raise ConfigError(f'config argument fold={arg.fold} must be in 0..'
                      f'{tfd.NUM_FOLDS - 1}, or -1 for the unlabelled images')
  config = configs.goodfellow2014(learning_rate=0.05, g_hidden=(8000, 8000),
                                  d_units=1200, z_dist='normal')
  config.data.name = 'tfd'
  config.data.split = ('unlabelled' if arg.fold < 0
                       else f'fold{arg.fold}_train')
  config.train.num_steps = arg.epochs * _UPDATES_PER_EPOCH
  config.eval.metrics = 'parzen'
  return config
