"""python -m gan_jax.sample --workdir=DIR --num=N --out=FILE.npz

Writes N images from the newest checkpoint's EMA generator as `images`,
uint8 [N, H, W, C] in the dataset's own pixel scale (0..255), with the step.
"""
import numpy as np
from absl import flags
from etils import epath

from gan_jax import cli, saved_run

_WORKDIR = flags.DEFINE_string('workdir', None, 'A training workdir.')
_MEMBER = flags.DEFINE_integer('member', 0, 'Population member to use.')
_NUM = flags.DEFINE_integer('num', 10_000, 'How many images.', lower_bound=1)
_OUT = flags.DEFINE_string('out', None, 'Output .npz file.')
_SEED = flags.DEFINE_integer('seed', 0, 'Seed for the latent vectors.')
flags.mark_flags_as_required(['workdir', 'out'])


def main(argv: list[str]) -> None:
  cli.no_positional_args(argv)
  run = saved_run.load_run(_WORKDIR.value, _MEMBER.value)
  images = saved_run.generate(run, saved_run.noise(run, _NUM.value,
                                                   _SEED.value))
  out = epath.Path(_OUT.value)
  out.parent.mkdir(parents=True, exist_ok=True)
  with out.open('wb') as f:
    np.savez_compressed(f, images=images, step=run.step)
  print(f'wrote {len(images)} images from step {run.step} to {out}')


if __name__ == '__main__':
  cli.run(main)
