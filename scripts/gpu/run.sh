#!/usr/bin/env bash
# One command on a GPU machine: CUDA op tests, the fixtures on the GPU (fp32 and bf16),
# compute-sanitizer (memcheck, racecheck) on the kernel tests, then the benchmarks with their
# same-run PyTorch baselines. Binaries are built on the development machine
# (cmake -B build/cuda -DFARSIGHT_CUDA=ON -DFARSIGHT_STATIC_ICU=ON) and packed by
# scripts/gpu/pack.sh into .devcarry/bundle.tar.xz; results go to $OUT (or ./gpu-results).
# Usage: scripts/gpu/run.sh [quick|full|tests|bench]
set -uo pipefail
mode=${1:-quick}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$root/gpu-results}
mkdir -p "$out" /tmp/fsgpu
tar xJf "$root/.devcarry/bundle.tar.xz" -C /tmp/fsgpu
export LD_LIBRARY_PATH=/tmp/fsgpu/lib:${LD_LIBRARY_PATH:-}
export FARSIGHT_TEST_DATA=$root/tests
cd /tmp/fsgpu
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$out/device.txt"
status=0
if [[ $mode != bench ]]; then
  timeout 300 ./test_ops_cuda 2>&1 | tee "$out/test_ops_cuda.log" | grep -E "OK|FAIL|PASSED|rror" ; status=$((status | PIPESTATUS[0]))
  timeout 300 ./test_gpu_golden 2>&1 | tee "$out/test_gpu_golden.log" | grep -E "figures|OK|FAIL|PASSED|rror" ; status=$((status | PIPESTATUS[0]))
  if command -v compute-sanitizer >/dev/null; then
    export FARSIGHT_SANITIZER_RUN=1
    timeout 240 compute-sanitizer --tool memcheck --error-exitcode 9 ./test_ops_cuda --gtest_filter='*Moe*:*Norm*:*Matmul*:*Softmax*' > "$out/memcheck.log" 2>&1
    echo "memcheck rc=$?" | tee -a "$out/summary.txt"; tail -3 "$out/memcheck.log"
    timeout 240 compute-sanitizer --tool racecheck --error-exitcode 9 ./test_ops_cuda --gtest_filter='*Lightning*' > "$out/racecheck.log" 2>&1
    echo "racecheck rc=$?" | tee -a "$out/summary.txt"; tail -3 "$out/racecheck.log"
    unset FARSIGHT_SANITIZER_RUN
  fi
fi
if [[ $mode != tests ]]; then
  q=--quick; [[ $mode == full ]] && q=
  timeout 400 ./bench_gpu $q --json "$out/bench_gpu.json" 2>&1 | tee "$out/bench_gpu.log"
  timeout 300 python3 ./baselines.py "$out/baselines.json" $q 2>&1 | tee "$out/baselines.log"
  python3 ./report.py "$out/bench_gpu.json" "$out/baselines.json" "$out/gpu_bench" > /dev/null && echo "report: $out/gpu_bench.md"
fi
exit $status
