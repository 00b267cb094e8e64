#!/usr/bin/env bash
# The performance issue's GPU measurements in one command, for a GPU lent
# for minutes rather than hours:
#
#   GAN_JAX_DATA_DIR=../shared/data bash benchmarks/gpu_suite.sh OUT_DIR
#
# Each benchmark runs under its own time limit, so one that stalls cannot
# take the others' time, and writes its stdout (JSON last) to
# OUT_DIR/<name>.txt; everything else they print goes to OUT_DIR/log.txt.
# Seven files in all. The limits add up to 9 minutes, so the suite fits in
# one 10-minute command on a borrowed machine.
#
# On a machine without network, bring gan_jax's dependencies as wheels
# first (benchmarks/offline_wheels.sh) and run from the repository root with
# PYTHONPATH=. instead of installing.
set -u
out=${1:?usage: gpu_suite.sh OUT_DIR}
mkdir -p "$out"
py=${PYTHON:-python3}
export PYTHONUNBUFFERED=1

run() {  # run NAME SECONDS ARGS...: one benchmark, bounded, output kept
  local name=$1 limit=$2
  shift 2
  echo "== $name (limit ${limit}s)" | tee -a "$out/log.txt"
  local start=$SECONDS
  timeout "$limit" "$py" "$@" > "$out/$name.txt" 2>> "$out/log.txt"
  echo "== $name: exit $?, $((SECONDS - start)) s" | tee -a "$out/log.txt"
}

"$py" -c 'import jax; print(jax.devices())' 2>&1 | tee -a "$out/log.txt"
run step_time 60 benchmarks/step_time.py --steps=200
run throughput 200 benchmarks/throughput.py --batch_sizes=64,256,1024 \
  --pairs=5 --steps=20 --torch_compile
run time_to_fid 120 benchmarks/time_to_fid.py --max_seconds=90 \
  --eval_every=100 --max_steps=50000 --config=dcgan:width=32,fc=1024,lr=1e-3
run population_speed 60 benchmarks/population_speed.py --members=8 \
  --pairs=3 --steps=20
run memory 60 benchmarks/memory.py --batch_size=1024 --steps=2000 --every=100
run input_pipeline 40 benchmarks/input_pipeline.py --pairs=5 --steps=50
