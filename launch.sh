#!/usr/bin/env bash
# Launches gan_jax training.
#   ./launch.sh local CONFIG [--config.a.b=v ...] [--workdir=DIR]
# One process over every local device (CPU, one or more GPUs, or one TPU VM).
# The workdir defaults to runs/<config name>.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}

usage() { sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

target=${1:-}; [ $# -gt 0 ] && shift || usage
case "$target" in
  local)
    [ $# -ge 1 ] || usage
    config=$1; shift
    workdir="runs/$(basename "${config%%:*}" .py)"
    for arg in "$@"; do case "$arg" in --workdir=*) workdir=;; esac; done
    exec "$PYTHON" -m gan_jax.main --config="$config" ${workdir:+--workdir="$workdir"} "$@"
    ;;
  *)
    echo "error: unknown launch target '$target'; choose one of: local" >&2
    exit 2
    ;;
esac
