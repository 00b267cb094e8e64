"""One table and one plot for a whole sweep: python -m gan_jax.report SWEEP_DIR.

Reads every point's metrics.jsonl (training scalars and, with
`config.eval.every`, the `eval/*` scores), takes each point's last value of
every metric, sorts the points by `--metric` and writes, into SWEEP_DIR:
  report.md    the table, also printed;
  report.csv   the same table for scripts;
  report.png   `--metric` over training steps, one line per point.
Points come from SWEEP_DIR/sweep.json (written by launch.sh sweep); without
one, every folder below SWEEP_DIR holding a metrics.jsonl is a point.
"""
import csv
import io
import json
from typing import Any, NamedTuple

from absl import flags
from etils import epath

from gan_jax import cli
from gan_jax.errors import ConfigError

# Scores where larger is better; everything else sorts ascending.
HIGHER_IS_BETTER = ('is_mean', 'precision', 'recall', 'density', 'coverage',
                    'parzen_ll', 'steps_per_sec')
Record = dict[str, float]


class PointHistory(NamedTuple):
  name: str
  records: list[Record]

  def final(self) -> Record:
    """The last logged value of every metric (they are logged at different
    steps: eval/* only every config.eval.every)."""
    out: Record = {}
    for record in self.records:
      out.update(record)
    return out

  def series(self, metric: str) -> tuple[list[int], list[float]]:
    pairs = [(int(r['step']), r[metric]) for r in self.records if metric in r]
    return [s for s, _ in pairs], [v for _, v in pairs]


def _read_jsonl(path: epath.Path) -> list[Record]:
  records = []
  for line in path.read_text().splitlines():
    if line.strip():
      try:
        records.append(json.loads(line))
      except json.JSONDecodeError:
        continue  # a line cut short by a killed run; the rest is good
  return records


def find_points(sweep_dir: str) -> list[PointHistory]:
  root = epath.Path(sweep_dir)
  if not root.is_dir():
    raise ConfigError(f'sweep dir {sweep_dir} does not exist')
  index = root / 'sweep.json'
  if index.exists():
    named = [(p['name'], epath.Path(p['workdir']))
             for p in json.loads(index.read_text())['points']]
  else:
    named = [(str(f.parent.relative_to(root)), f.parent)
             for f in sorted(root.glob('**/metrics.jsonl'))]
  points = [PointHistory(name, _read_jsonl(folder / 'metrics.jsonl'))
            for name, folder in named if (folder / 'metrics.jsonl').exists()]
  if not points:
    raise ConfigError(f'no point in {sweep_dir} has logged anything yet '
                      '(no metrics.jsonl)')
  return points


def higher_is_better(metric: str) -> bool:
  return metric.split('/')[-1] in HIGHER_IS_BETTER


def table(points: list[PointHistory], metric: str
          ) -> tuple[list[str], list[list[Any]]]:
  """Header and rows, best point first; points without `metric` go last."""
  finals = [(p.name, p.final()) for p in points]
  known = sorted({k for _, f in finals for k in f})
  if metric not in known:
    raise ConfigError(f'no point logged {metric!r}; logged metrics: '
                      f'{", ".join(known)}')
  evals = [k for k in known if k.startswith('eval/') and k != metric]
  losses = [k for k in ('d_loss', 'g_loss') if k in known]
  columns = [metric, *evals, *losses]
  sign = -1.0 if higher_is_better(metric) else 1.0
  finals.sort(key=lambda nf: (metric not in nf[1],
                              sign * nf[1].get(metric, 0.0)))
  rows = [[name, int(f.get('step', 0)), *(f.get(c) for c in columns)]
          for name, f in finals]
  return ['point', 'step', *columns], rows


def _cell(value: Any) -> str:
  if value is None:
    return ''
  if isinstance(value, float):
    return f'{value:.4g}'
  return str(value)


def markdown(header: list[str], rows: list[list[Any]]) -> str:
  lines = ['| ' + ' | '.join(header) + ' |',
           '|' + '---|' * len(header)]
  lines += ['| ' + ' | '.join(_cell(v) for v in row) + ' |' for row in rows]
  return '\n'.join(lines) + '\n'


def csv_text(header: list[str], rows: list[list[Any]]) -> str:
  out = io.StringIO()
  writer = csv.writer(out)
  writer.writerow(header)
  writer.writerows([['' if v is None else v for v in row] for row in rows])
  return out.getvalue()


def plot(points: list[PointHistory], metric: str, path: epath.Path) -> None:
  import matplotlib  # pylint: disable=g-import-not-at-top
  matplotlib.use('Agg')
  from matplotlib import pyplot as plt  # pylint: disable=g-import-not-at-top
  figure, axes = plt.subplots(figsize=(7, 4.5))
  for point in points:
    steps, values = point.series(metric)
    if steps:
      axes.plot(steps, values, marker='o', markersize=3, label=point.name)
  axes.set_xlabel('step')
  axes.set_ylabel(metric)
  axes.grid(alpha=0.3)
  axes.legend(fontsize=7)
  figure.tight_layout()
  with path.open('wb') as f:
    figure.savefig(f, format='png', dpi=120)
  plt.close(figure)


def write_report(sweep_dir: str, metric: str) -> str:
  points = find_points(sweep_dir)
  header, rows = table(points, metric)
  root = epath.Path(sweep_dir)
  text = markdown(header, rows)
  (root / 'report.md').write_text(text)
  (root / 'report.csv').write_text(csv_text(header, rows))
  plot(points, metric, root / 'report.png')
  return text


_METRIC = flags.DEFINE_string(
    'metric', 'eval/fid', 'Sort by this metric (best first) and plot it.')


def main(argv: list[str]) -> None:
  if len(argv) != 2:
    raise ConfigError('usage: python -m gan_jax.report SWEEP_DIR '
                      '[--metric=eval/fid]')
  print(write_report(argv[1], _METRIC.value), end='')


if __name__ == '__main__':
  cli.run(main)
