#!/usr/bin/env bash
# Quick start 1: install what is missing, build in Release, run routerd on the
# default configuration (config/routerd.toml). Stop it with Ctrl-C.
# Extra arguments go to routerd, e.g. scripts/run.sh --config my.toml
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j2 --target routerd
if [ $# -eq 0 ]; then
  set -- --config config/routerd.toml
fi
exec build/routerd "$@"
