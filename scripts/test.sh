#!/usr/bin/env bash
# Quick start 2: install what is missing, build, and run every test:
#   1. Release build: unit, integration and browser (web console) tests, benchmark smoke runs (ctest)
#   2. AddressSanitizer + UndefinedBehaviorSanitizer build: unit and integration tests again
#   3. clang/libFuzzer build: a short fuzz run per channel adapter
# Any failure stops the script with a non-zero exit status.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=2
step() { printf '\n==== %s ====\n' "$*"; }

step "dependencies"
scripts/install-deps.sh
# The web console's browser tests (ctest label `browser`): playwright-core,
# exactly as locked, and Debian's chromium from install-deps.sh.
(cd tests/console && npm ci --no-audit --no-fund)

step "release build and tests"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

step "address + undefined behaviour sanitizers: unit and integration tests"
# Debug keeps assertions on; -Og keeps the million-event tests fast enough at
# two thirds of -O1's compile time under the sanitizers; -g1 (line tables
# only) gives the sanitizers' reports their file:line at about two thirds of
# the compile time of full debug information.
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-Og -g1" \
  -DROUTERD_SANITIZE=address,undefined -DROUTERD_BUILD_BENCHMARKS=OFF
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs" -L "unit|integration"

step "fuzz smoke (libFuzzer, ${ROUTERD_FUZZ_SECONDS:-10} s per adapter)"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1" \
  -DCMAKE_CXX_COMPILER=clang++-14 \
  -DROUTERD_BUILD_FUZZERS=ON -DROUTERD_BUILD_TESTS=OFF -DROUTERD_BUILD_BENCHMARKS=OFF \
  -DROUTERD_FUZZ_SECONDS="${ROUTERD_FUZZ_SECONDS:-10}"
cmake --build build-fuzz -j"$jobs" --target wechat_fuzz web_fuzz x_fuzz email_fuzz whatsapp_fuzz facebook_fuzz line_fuzz
ctest --test-dir build-fuzz --output-on-failure -L fuzz-smoke

step "all tests passed"
