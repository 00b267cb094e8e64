#!/usr/bin/env bash
# Wheels of gan_jax's dependencies for a GPU machine that has no network but
# already has the accelerator stack (jax with CUDA, flax, optax,
# orbax-checkpoint, torch, numpy, scipy, matplotlib, absl, etils):
#
#   bash benchmarks/offline_wheels.sh WHEEL_DIR [PYTHON_VERSION]   # here
#   pip install --no-index --no-deps --target /tmp/site WHEEL_DIR/*.whl
#   PYTHONPATH=.:/tmp/site bash benchmarks/gpu_suite.sh OUT_DIR      # there
#
# Versions are the ones this checkout's environment runs (pip freeze), so
# the GPU runs the code the CPU tests passed on. Packages without a wheel
# for the target (promise) are built here; they are pure Python.
set -eu
dir=${1:?usage: offline_wheels.sh WHEEL_DIR [PYTHON_VERSION]}
python_version=${2:-3.12}
pip=${PIP:-.venv/bin/pip}
missing="tensorflow-datasets tensorflow-metadata array-record dm-tree
  immutabledict simple-parsing docstring-parser googleapis-common-protos
  termcolor toml ml-collections tensorboardX importlib-resources promise"
mkdir -p "$dir"
frozen=$("$pip" freeze 2>/dev/null)
for name in $missing; do
  pin=$(grep -i "^${name//-/[-_]}==" <<< "$frozen" || true)
  [[ -n $pin ]] || { echo "not installed here: $name" >&2; exit 1; }
  "$pip" download -q --no-deps --only-binary=:all: -d "$dir" \
      --python-version "$python_version" --implementation cp \
      --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
      --platform manylinux2014_x86_64 "$pin" 2>/dev/null \
    || "$pip" wheel -q --no-deps -w "$dir" "$pin"
done
ls "$dir"
