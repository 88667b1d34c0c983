#!/usr/bin/env bash
# journal_bench on both backends: starts a private PostgreSQL server (fsync on,
# Unix socket) on this machine, runs build/bench/journal_bench with
# ROUTERD_BENCH_PG_URL set, and stops the server.
#
#   bench/journal_bench_pg.sh [journal_bench arguments]
#   ROUTERD_BUILD_DIR=build-foo bench/journal_bench_pg.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build=${ROUTERD_BUILD_DIR:-build}
scripts/install-deps.sh --bench
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DROUTERD_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$build" -j2 --target journal_bench >/dev/null
source bench/pg_server.sh
trap pg_stop EXIT
pg_start 18183
ROUTERD_BENCH_PG_URL="$pg_url" "$build/bench/journal_bench" "$@"
