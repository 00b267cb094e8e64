"""What the benchmark scripts promise, checked without running a benchmark.

benchmarks/gpu_suite.sh only runs on a lent GPU, where a stale flag would
waste minutes that cannot be had back, so its commands are checked here; and
every benchmark's JSON must name the CPU it ran on."""
import json
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def suite_commands() -> list[tuple[int, str, list[str]]]:
  """(time limit, benchmark file, its flags) per `run` line of the suite."""
  text = (ROOT / 'benchmarks' / 'gpu_suite.sh').read_text()
  text = text.replace('\\\n', ' ')
  commands = []
  for line in text.splitlines():
    match = re.match(r'run \S+ (\d+) (benchmarks/\S+\.py)(.*)', line)
    if match:
      commands.append((int(match.group(1)), match.group(2),
                       re.findall(r'--(\w+)', match.group(3))))
  return commands


def test_gpu_suite_runs_every_speed_benchmark_with_flags_they_define():
  commands = suite_commands()
  assert {path for _, path, _ in commands} == {
      f'benchmarks/{name}.py' for name in
      ('step_time', 'throughput', 'time_to_fid', 'population_speed',
       'memory', 'input_pipeline')}
  for _, path, flags in commands:
    source = (ROOT / path).read_text()
    defined = set(re.findall(r"DEFINE_\w+\(\s*'(\w+)'", source))
    assert set(flags) <= defined, (path, set(flags) - defined)


def test_gpu_suite_fits_one_ten_minute_device_command():
  assert sum(limit for limit, _, _ in suite_commands()) <= 560


def test_benchmarks_record_the_cpu_model():
  """Figures from different CPUs must not be read as one machine's."""
  script = ('import json, sys; sys.path.insert(0, "benchmarks"); '
            'import harness; print(json.dumps(harness.machine()))')
  out = subprocess.run([sys.executable, '-c', script], cwd=ROOT, check=True,
                       capture_output=True, text=True).stdout
  recorded = json.loads(out.splitlines()[-1])
  cpuinfo = pathlib.Path('/proc/cpuinfo').read_text()
  assert recorded['cpu_model'] == _field(cpuinfo, 'model name')
  flags = _field(cpuinfo, 'flags').split()
  assert ('avx2' in recorded['cpu_features']) == ('avx2' in flags)


def _field(cpuinfo: str, name: str) -> str:
  match = re.search(rf'^{name}\s*:\s*(.*)$', cpuinfo, re.M)
  return match.group(1).strip() if match else ''
