#!/usr/bin/env bash
# The vision GPU checks in two steps.
#  On the development machine (nvcc, no GPU):
#    cmake -S . -B build/vision-cuda -G Ninja -DFARSIGHT_CUDA=ON -DFARSIGHT_APP=OFF
#    cmake --build build/vision-cuda --target bench_vit test_vision_ops_gpu test_vl_golden -j2
#    scripts/gpu/vision_bench.sh pack [build/vision-cuda]     # → .devcarry/vision_bundle.tar.xz
#  On the GPU machine (carry .devcarry/vision_bundle.tar.xz):
#    scripts/gpu/vision_bench.sh run [quick|full]             # results in $OUT (or ./gpu-results)
# `run`: the vision op tests on the GPU (fp32 and bf16 against float64 references), compute-sanitizer
# memcheck + racecheck on them when present, bench_vit (validates a 2-layer tower against the CPU,
# then times ViT-L/14-336 at several batches) and the same-run PyTorch baseline.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cmd=${1:-run}
if [[ $cmd == pack ]]; then
  build=${2:-$root/build/vision-cuda}
  stage=$(mktemp -d)
  mkdir -p "$stage/lib" "$root/.devcarry"
  cp "$build/engine/bench/vision/bench_vit" "$build/tests/engine/ops/test_vision_ops_gpu" "$stage/"
  cp "$root/scripts/gpu/vit_torch_baseline.py" "$stage/"
  for lib in libopenblas.so.0 libgfortran.so.5 libquadmath.so.0 libpcre2-8.so.0 libpng16.so.16; do
    cp -L "$(ldconfig -p | awk -v l="$lib" '$1 == l {print $NF; exit}')" "$stage/lib/"
  done
  strip "$stage/bench_vit" "$stage/test_vision_ops_gpu"
  tar cJf "$root/.devcarry/vision_bundle.tar.xz" -C "$stage" .
  rm -rf "$stage"
  ls -la "$root/.devcarry/vision_bundle.tar.xz"
  exit 0
fi
mode=${2:-quick}
out=${OUT:-$root/gpu-results}
work=/tmp/fsvision
mkdir -p "$out" "$work"
tar xJf "$root/.devcarry/vision_bundle.tar.xz" -C "$work"
export LD_LIBRARY_PATH=$work/lib:${LD_LIBRARY_PATH:-}
export FARSIGHT_TEST_DATA=$root/tests
cd "$work"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$out/device.txt"
status=0
timeout 300 ./test_vision_ops_gpu 2>&1 | tee "$out/test_vision_ops_gpu.log" | grep -E "OK|FAIL|PASSED|SKIPPED|rror"
status=$((status | PIPESTATUS[0]))
if command -v compute-sanitizer >/dev/null && [[ $mode == full ]]; then
  timeout 300 compute-sanitizer --tool memcheck --error-exitcode 9 ./test_vision_ops_gpu > "$out/vision_memcheck.log" 2>&1
  echo "memcheck rc=$?" | tee -a "$out/vision_summary.txt"
  timeout 300 compute-sanitizer --tool racecheck --error-exitcode 9 ./test_vision_ops_gpu --gtest_filter='*Attention*' > "$out/vision_racecheck.log" 2>&1
  echo "racecheck rc=$?" | tee -a "$out/vision_summary.txt"
fi
batches="64"; [[ $mode == full ]] && batches="32 64 128 256"
for b in $batches; do
  timeout 300 ./bench_vit --batch "$b" --iters 10 --breakdown --json "$out/bench_vit_b$b.json" 2>&1 | tee -a "$out/bench_vit.log"
  status=$((status | PIPESTATUS[0]))
done
timeout 400 python3 ./vit_torch_baseline.py "$out/vit_torch.json" --batch 64 2>&1 | tee "$out/vit_torch.log"
exit $status
