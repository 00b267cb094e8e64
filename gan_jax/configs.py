"""Shared defaults for experiments/*.py, and the sweep-argument parser.

Every experiment starts from `base_config()`, so every field documented here
exists in every experiment and can be overridden with --config.a.b=v.
"""
import ast
import importlib.util
import inspect
import pathlib

import ml_collections
from ml_collections import config_dict

from gan_jax.errors import ConfigError


def base_config() -> ml_collections.ConfigDict:
  c = ml_collections.ConfigDict()
  c.seed = 0
  c.population = 1          # P > 1 trains P GANs (seeds seed..seed+P-1) at once
  c.population_lrs = ''     # optional 'lr0,lr1,...': member i's G and D Adam lr
  c.population_loop = 'auto'  # 'vmap' | 'unroll' | 'auto' (unroll on CPU only)

  c.data = ml_collections.ConfigDict()
  # 'mnist' | 'fashion_mnist' | 'tfd', or a toy mixture (gan_jax/data/toy.py):
  # 'gauss1d' | 'mixture1d' | 'ring' | 'grid'
  c.data.name = 'mnist'
  c.data.dir = config_dict.placeholder(str)   # folder with the 4 IDX files
  c.data.tfds_dir = config_dict.placeholder(str)  # where TFDS prepares data
  c.data.split = 'train'                      # TFDS split, e.g. 'train[:50000]'
  c.data.pad_to = 0        # > 0: pad images with 0 to this square side (progan)

  c.model = ml_collections.ConfigDict()
  c.model.name = 'dcgan'
  c.model.z_dim = 100
  c.model.z_dist = 'normal'                   # 'normal' | 'uniform'
  c.model.pack = 1                            # PacGAN: D sees packs of m samples
  c.model.num_classes = 0                     # > 0: class-conditional G and D (CGAN)
  # Wrap every Conv/Dense of D in spectral normalisation (Miyato et al. 2018);
  # its power-iteration vectors live in D's batch_stats. dcgan, maxout_mlp.
  c.model.spectral_norm = False
  # InfoGAN: (categorical K, continuous L) codes appended to z; (0, 0) = off.
  c.model.info_codes = (0, 0)

  c.loss = ml_collections.ConfigDict()
  # 'non_saturating' | 'minimax' | 'wasserstein' | 'hinge' | 'least_squares'
  # | 'relativistic' | 'relativistic_average' | 'absolute_error'
  # | 'mmd' (GMMN: no discriminator; only with model 'gmmn')
  # | 'began' (BEGAN's equilibrium game; only with model 'began')
  c.loss.name = 'non_saturating'
  c.loss.info_weight = 1.0                    # InfoGAN's lambda
  c.loss.cycle_weight = 10.0                  # CycleGAN's lambda (L1 cycle loss)
  c.loss.identity_weight = 0.0                # CycleGAN's identity loss; 0 = off
  c.loss.clip = 0.0                           # WGAN weight clipping c; 0 = off
  # Added to D's loss: 'none' | 'gp' (WGAN-GP on interpolates) | 'r1' (on data)
  c.loss.penalty = 'none'
  c.loss.penalty_weight = 10.0                # lambda for 'gp', gamma for 'r1'
  # 'mmd' kernel: sum over s of exp(-|x-y|^2 / (2 s)), the GMMN code's scales
  c.loss.mmd_sigmas = (2.0, 5.0, 10.0, 20.0, 40.0, 80.0)
  # 'began': target ratio gamma = E L(G(z)) / E L(x), and k_t's gain lambda_k
  c.loss.began_gamma = 0.5
  c.loss.began_lambda_k = 0.001

  c.optim = ml_collections.ConfigDict()
  c.optim.g = adam(2e-4, b1=0.5)
  c.optim.d = adam(2e-4, b1=0.5)

  c.train = ml_collections.ConfigDict()
  c.train.num_steps = 10_000                  # G updates
  c.train.batch_size = 128                    # global, over all devices
  c.train.d_steps = 1                         # k: D updates per G update
  c.train.update_scheme = 'alternating'       # 'alternating' | 'simultaneous'
  c.train.ema_decay = 0.0                     # G EMA decay, ramped up as min(d, (1+t)/(10+t)); 0 = off
  c.train.log_every = 100
  c.train.checkpoint_every = 1000
  c.train.sample_every = 1000
  c.train.keep_checkpoints = 3
  c.train.num_samples = 64                    # images in each sample grid
  c.train.on_nonfinite = 'stop'               # 'stop' | 'skip' the update

  c.eval = ml_collections.ConfigDict()
  c.eval.every = 0                            # steps between evaluations; 0 = off
  c.eval.metrics = 'fid,kid,is,pr,dc'         # names in gan_jax.metrics.METRICS
  c.eval.num_samples = 10_000
  return c


def with_defaults(saved: dict) -> ml_collections.ConfigDict:
  """A config saved by an older gan_jax, with every field added since at its
  default, which by construction reproduces the code it was saved with
  (config_checks.resume_changes relies on the same rule)."""
  def merge(defaults: dict, values: dict) -> dict:
    out = dict(defaults)
    for key, value in values.items():
      both_dicts = isinstance(value, dict) and isinstance(out.get(key), dict)
      out[key] = merge(out[key], value) if both_dicts else value
    return out
  return ml_collections.ConfigDict(merge(base_config().to_dict(), saved))


def adam(learning_rate: float, b1: float = 0.9, b2: float = 0.999,
         decay_steps: int = 0, decay_to: float = 0.0
         ) -> ml_collections.ConfigDict:
  """Adam; `decay_steps` > 0 anneals the rate (cosine) to `decay_to` x lr."""
  return ml_collections.ConfigDict(dict(
      name='adam', learning_rate=learning_rate, b1=b1, b2=b2,
      decay_steps=decay_steps, decay_to=decay_to))


def set_adams_and_r1(c: ml_collections.ConfigDict, lr: float, b1: float,
                     steps: int = 0, anneal: bool = False, r1: float = 0.0,
                     b2: float = 0.999) -> None:
  """The knobs recipe searches turn (pacgan2018, experiments/stacked_mnist.py,
  experiments/dcgan.py): G and D both on Adam(lr, b1, b2), cosine-annealed
  to 0 over `steps` if `anneal`, and an R1 penalty on D with gamma `r1` if
  > 0."""
  if r1:
    c.loss.penalty, c.loss.penalty_weight = 'r1', r1
  decay_steps = steps if anneal else 0
  c.optim.g = adam(lr, b1=b1, b2=b2, decay_steps=decay_steps)
  c.optim.d = adam(lr, b1=b1, b2=b2, decay_steps=decay_steps)


def sgd(learning_rate: float, momentum: float = 0.0,
        final_momentum: float | None = None, momentum_start: int = 0,
        momentum_saturate: int = 1, lr_decay: float = 1.0,
        min_lr: float = 0.0) -> ml_collections.ConfigDict:
  return ml_collections.ConfigDict(dict(
      name='sgd', learning_rate=learning_rate, momentum=momentum,
      final_momentum=momentum if final_momentum is None else final_momentum,
      momentum_start=momentum_start, momentum_saturate=momentum_saturate,
      lr_decay=lr_decay, min_lr=min_lr))


def parse_arg(arg: str | None, **defaults):
  """'a=1,b=x' -> ConfigDict with `defaults` updated, keeping their types.

  This is what `--config=experiments/X.py:ARG` hands to get_config, so one
  experiment file can describe a whole sweep axis.
  """
  out = ml_collections.ConfigDict(defaults)
  for item in filter(None, (arg or '').split(',')):
    name, sep, text = item.partition('=')
    if not sep or name not in defaults:
      raise ConfigError(
          f'bad config argument {item!r}; expected NAME=VALUE with NAME one '
          f'of: {", ".join(sorted(defaults))}')
    kind = type(defaults[name])
    try:
      value = text if kind is str else kind(ast.literal_eval(text))
    except (ValueError, SyntaxError) as e:
      raise ConfigError(f'config argument {name}={text!r} is not a valid '
                        f'{kind.__name__}') from e
    out[name] = value
  return out


def as_flags(overrides: dict) -> list[str]:
  """{'a.b': v} -> ['--config.a.b=v'], as gan_jax.main's flags spell them."""
  def text(v):
    return ','.join(map(str, v)) if isinstance(v, (tuple, list)) else str(v)
  return [f'--config.{k}={text(v)}' for k, v in overrides.items()]


def load_experiment(spec: str) -> ml_collections.ConfigDict:
  """'experiments/X.py[:ARG]' -> get_config(ARG), as --config=SPEC does."""
  path, _, arg = spec.partition(':')
  if not pathlib.Path(path).is_file():
    raise ConfigError(f'config file {path!r} not found')
  module_spec = importlib.util.spec_from_file_location(
      f'_experiment_{pathlib.Path(path).stem}', path)
  module = importlib.util.module_from_spec(module_spec)
  module_spec.loader.exec_module(module)
  return module.get_config(arg or None)


def goodfellow2014(learning_rate: float, g_hidden: tuple[int, ...],
                   d_units: int, z_dist: str) -> ml_collections.ConfigDict:
  """The 2014 paper's maxout GAN and pylearn2 recipe, shared by its datasets.

  What the MNIST and TFD models have in common: maxout D (5 pieces, twice,
  U(-0.005, 0.005) weights, dropout keeping 0.8 of the input and 0.5 of the
  hidden units), ReLU MLP G with U(-0.05, 0.05) weights, SGD whose rate is
  divided by 1.000004 per update down to 1e-6 with momentum 0.5 -> 0.7 over
  epochs 1-250, batch 100, one simultaneous D and G update per minibatch,
  non-saturating G loss. Experiments add the data and the length.
  """
  c = base_config()
  c.model.name = 'maxout_mlp'
  c.model.z_dim = 100
  c.model.z_dist = z_dist
  c.model.g_hidden = tuple(g_hidden)
  c.model.g_irange = 0.05
  c.model.d_units = d_units
  c.model.d_pieces = 5
  c.model.d_layers = 2
  c.model.d_input_dropout = 0.2
  c.model.d_hidden_dropout = 0.5
  c.model.d_irange = 0.005

  c.loss.name = 'non_saturating'
  c.optim.g = sgd(learning_rate, momentum=0.5, final_momentum=0.7,
                  momentum_start=1, momentum_saturate=250, lr_decay=1.000004,
                  min_lr=1e-6)
  c.optim.d = c.optim.g.copy_and_resolve_references()

  c.train.batch_size = 100
  c.train.update_scheme = 'simultaneous'
  c.train.d_steps = 1
  c.train.num_samples = 100
  c.train.log_every = 500
  c.train.checkpoint_every = 5000
  c.train.sample_every = 5000
  return c


def pacgan2018(dataset: str, pack: int = 1, steps: int = 400_000,
               lr: float = 1e-4, anneal: bool = False, g_width: int = 400,
               g_depth: int = 4, d_units: int = 200, d_steps: int = 1,
               r1: float = 0.0) -> ml_collections.ConfigDict:
  """PacGAN's 2-D ring/grid recipe (Lin et al. 2018, fjxmlzn/PacGAN code).

  The `mlp` model (G 4x400 ReLU with batch norm, D 3x200 maxout-5), 2-d
  Gaussian noise, Adam 1e-4 with beta1 0.8, 100 packs per batch (so batch
  100 * pack samples), N(0, 0.02) weights, the non-saturating G loss.
  The paper trains 400 epochs of 100,000 points (400,000 updates) at a
  constant rate. A CPU affords tens of thousands of updates, so `anneal` lets a
  short run trade the paper's constant rate for a larger one cosine-annealed
  to 0 over `steps`: the early rate moves mass between modes, the late one
  lets G settle inside modes 0.01 wide. `g_width`, `g_depth` and `d_units`
  size the networks (a smaller G and D fit more updates in the same time).
  `d_steps` > 1 gives D k updates per G update (the paper: 1). On the grid a
  D updated once per G update had not resolved the 25 modes after 20,000
  annealed steps: G follows D's coarse gradient faster than D learns the
  fine one, and D's output stays at 1/2 (README, "The grid needs a faster
  D"). `r1` > 0 adds Mescheder et al.'s (2018) R1 penalty on D's gradient
  at the data with that gamma (the paper: none); on the grid it evens the
  modes' mass (README, "R1 on the grid").
  """
  c = base_config()
  c.data.name = dataset
  c.model.name = 'mlp'
  c.model.z_dim = 2
  c.model.z_dist = 'normal'
  c.model.pack = pack
  c.model.g_hidden = (g_width,) * g_depth
  c.model.g_batch_norm = True
  c.model.d_units = d_units
  c.model.d_pieces = 5
  c.model.d_layers = 3
  c.model.init_std = 0.02
  c.model.bias_std = 0.0
  c.loss.name = 'non_saturating'
  set_adams_and_r1(c, lr, 0.8, steps, anneal, r1)
  c.train.batch_size = 100 * pack
  c.train.d_steps = d_steps
  c.train.num_steps = steps
  c.train.num_samples = 2500   # points in each scatter sheet
  c.eval.num_samples = 2500    # PacGAN scores 2,500 samples
  return c


def pacgan2018_experiment(dataset: str,
                          arg: str | None) -> ml_collections.ConfigDict:
  """experiments/{ring,grid}.py: `arg` sets any of pacgan2018's arguments.

  The defaults (and so the argument types) are read from pacgan2018's own
  signature, so a new recipe argument is written once.
  """
  defaults = {name: p.default for name, p in
              inspect.signature(pacgan2018).parameters.items()
              if p.default is not inspect.Parameter.empty}
  return pacgan2018(dataset, **parse_arg(arg, **defaults).to_dict())
