#!/usr/bin/env bash
# Launches gan_jax training.
#   ./launch.sh local CONFIG [--config.a.b=v ...] [--workdir=DIR]
#   ./launch.sh multiprocess N CONFIG [--config.a.b=v ...] [--workdir=DIR]
#   ./launch.sh tpu --tpu NAME --zone ZONE [--project P] [--dry-run] CONFIG --workdir=gs://... [...]
#   ./launch.sh sweep SWEEP_FILE [--workdir=ROOT] [--target=local|population|tpu] [--dry_run]
# local: one process over every local device (CPU, GPUs, or one TPU VM).
# multiprocess: N local processes joined by jax.distributed, as on N hosts.
# tpu: copies this tree to every worker of a Cloud TPU VM slice and runs the
#   same command on all of them; --dry-run prints the commands instead.
# sweep: every point of a sweep file, each in ROOT/<its overrides>.
# The workdir defaults to runs/<config name> (runs/sweeps/<name> for sweeps).
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

# Sets $workdir to runs/<config name> unless the arguments name one.
default_workdir() {
  local config=$1; shift
  workdir="runs/$(basename "${config%%:*}" .py)"
  for arg in "$@"; do case "$arg" in --workdir=*) workdir=;; esac; done
}

target=${1:-}; [ $# -gt 0 ] && shift || usage
case "$target" in
  local)
    [ $# -ge 1 ] || usage
    config=$1; shift
    default_workdir "$config" "$@"
    exec "$PYTHON" -m gan_jax.main --config="$config" ${workdir:+--workdir="$workdir"} "$@"
    ;;
  multiprocess)
    [ $# -ge 2 ] || usage
    n=$1; config=$2; shift 2
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "error: N must be a positive integer, got '$n'" >&2; exit 2; }
    default_workdir "$config" "$@"
    port=${GAN_JAX_PORT:-$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("localhost", 0)); print(s.getsockname()[1])')}
    pids=()
    for ((i = 0; i < n; i++)); do
      GAN_JAX_COORDINATOR="localhost:$port" GAN_JAX_NUM_PROCESSES=$n GAN_JAX_PROCESS_ID=$i \
        "$PYTHON" -m gan_jax.main --config="$config" ${workdir:+--workdir="$workdir"} "$@" \
        > >(sed -u "s/^/[$i] /") 2>&1 &
      pids+=($!)
    done
    # A signal to the launcher reaches every process, so all save and stop.
    trap 'kill -TERM "${pids[@]}" 2>/dev/null' TERM INT
    status=0
    for pid in "${pids[@]}"; do
      # A trapped signal interrupts `wait`; keep waiting while it saves.
      while :; do
        rc=0; wait "$pid" || rc=$?
        kill -0 "$pid" 2>/dev/null || break
      done
      [ $status -ne 0 ] || status=$rc
    done
    exit $status
    ;;
  tpu)
    tpu='' zone='' project='' dry=''
    while [ $# -gt 0 ]; do
      case "$1" in
        --tpu|--zone|--project) [ $# -ge 2 ] || usage; declare "${1#--}=$2"; shift 2 ;;
        --tpu=*|--zone=*|--project=*) opt=${1%%=*}; declare "${opt#--}=${1#*=}"; shift ;;
        --dry-run) dry=1; shift ;;
        *) break ;;
      esac
    done
    [ -n "$tpu" ] && [ -n "$zone" ] && [ $# -ge 1 ] || {
      echo "error: tpu needs --tpu NAME --zone ZONE and a CONFIG" >&2; exit 2; }
    config=$1; shift
    default_workdir "$config" "$@"
    [ -z "$workdir" ] || { echo "error: tpu needs --workdir=gs://BUCKET/...: the workers share no local disk" >&2; exit 2; }
    where=(--zone="$zone" ${project:+--project="$project"} --worker=all)
    bundle=/tmp/gan_jax_$tpu.tar.gz
    train=$(printf '%q ' python3 -m gan_jax.main --config="$config" "$@")
    remote="mkdir -p ~/gan_jax && tar xzf ~/$(basename "$bundle") -C ~/gan_jax && cd ~/gan_jax"
    remote+=" && pip install -q -e . 'jax[tpu]' && ${train}2>&1 | tee -a ~/gan_jax_train.log"
    steps=(
      "tar czf $bundle --exclude=./.venv --exclude=./.git --exclude=./runs ."
      "$(printf '%q ' gcloud compute tpus tpu-vm scp "$bundle" "$tpu:~/" "${where[@]}")"
      "$(printf '%q ' gcloud compute tpus tpu-vm ssh "$tpu" "${where[@]}" --command="$remote")"
    )
    if [ -n "$dry" ]; then printf '%s\n' "${steps[@]}"; exit 0; fi
    command -v gcloud >/dev/null || { echo "error: gcloud not found; install the Google Cloud CLI, or add --dry-run to see the commands" >&2; exit 2; }
    for step in "${steps[@]}"; do eval "$step"; done
    ;;
  sweep)
    [ $# -ge 1 ] || usage
    sweep=$1; shift
    workdir="runs/sweeps/$(basename "$sweep" .py)"
    for arg in "$@"; do case "$arg" in --workdir=*) workdir=;; esac; done
    exec "$PYTHON" -m gan_jax.run_sweep "$sweep" ${workdir:+--workdir="$workdir"} "$@"
    ;;
  *)
    echo "error: unknown launch target '$target'; choose one of: local, multiprocess, tpu, sweep" >&2
    exit 2
    ;;
esac
