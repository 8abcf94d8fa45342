#!/usr/bin/env bash
# Installs what is missing, builds everything (engine, CLI, desktop app) and runs the whole test
# suite except GPU tests (label `gpu`; they skip without a device anyway). CI runs this.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)
cmake --preset gui >/dev/null
cmake --build --preset gui -j "$jobs"
ctest --preset gui -j "$jobs" "$@"
