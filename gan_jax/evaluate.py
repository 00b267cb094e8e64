"""python -m gan_jax.evaluate --workdir=DIR [--metrics=fid,kid,is,pr,dc,parzen]
                              [--num_samples=10000]

Scores the newest checkpoint's EMA generator. Prints one JSON object and
writes it to DIR/eval/step_XXXXXXX.json.
"""
import json

from absl import flags

from gan_jax import cli, evaluation, saved_run
from gan_jax.models import balanced_labels

_WORKDIR = flags.DEFINE_string('workdir', None, 'A training workdir.')
_MEMBER = flags.DEFINE_integer('member', 0, 'Population member to use.')
_METRICS = flags.DEFINE_string(
    'metrics', None, 'Comma-separated metric names; default: every metric '
    "that applies to the run's dataset (TFD: parzen).")
_NUM = flags.DEFINE_integer('num_samples', 10_000, 'Generated images.',
                            lower_bound=1)
_SEED = flags.DEFINE_integer('seed', 0, 'Seed for the latent vectors.')
flags.mark_flags_as_required(['workdir'])


def main(argv: list[str]) -> None:
  cli.no_positional_args(argv)
  run = saved_run.load_run(_WORKDIR.value, _MEMBER.value)
  conditional = bool(run.gan.models.num_classes)
  names = evaluation.parse_metrics(_METRICS.value or evaluation.default_metrics(
      run.config.data.name, conditional))
  z = saved_run.noise(run, _NUM.value, _SEED.value)
  labels = balanced_labels(run.gan.models, len(z))
  record = evaluation.evaluate_samples(saved_run.generate(run, z, labels),
                                       run.config, run.step, names,
                                       run.workdir, labels)
  print(json.dumps(record))


if __name__ == '__main__':
  cli.run(main)
