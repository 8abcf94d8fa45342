#!/usr/bin/env bash
# Packs the GPU test and benchmark binaries (built here with FARSIGHT_CUDA=ON, FARSIGHT_STATIC_ICU=ON)
# and the shared libraries the GPU machine's image lacks into .devcarry/bundle.tar.xz (git-ignored;
# carried to the GPU machine by the device tool). Usage: scripts/gpu/pack.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/cuda}
stage=$(mktemp -d)
mkdir -p "$stage/lib" "$root/.devcarry"
cp "$build/tests/engine/ops/test_ops_cuda" "$build/tests/engine/models/test_gpu_golden" "$build/engine/bench/gpu/bench_gpu" "$stage/"
cp "$root/engine/bench/gpu/baselines.py" "$root/engine/bench/gpu/report.py" "$stage/"
for lib in libopenblas.so.0 libgfortran.so.5 libquadmath.so.0 libpcre2-8.so.0; do
  cp -L "$(ldconfig -p | awk -v l="$lib" '$1 == l {print $NF; exit}')" "$stage/lib/"
done
strip "$stage/test_ops_cuda" "$stage/test_gpu_golden" "$stage/bench_gpu"
tar cJf "$root/.devcarry/bundle.tar.xz" -C "$stage" .
rm -rf "$stage"
ls -la "$root/.devcarry/bundle.tar.xz"
