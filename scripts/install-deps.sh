#!/usr/bin/env bash
# Installs the Debian 12 packages routerd needs to build, test and benchmark.
# Idempotent and quick when everything is present (no apt-get update then).
# Runs apt-get as root, through sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libboost1.81-dev libsimdjson-dev libconcurrentqueue-dev libspdlog-dev libtomlplusplus-dev
  libssl-dev libsqlite3-dev
  libjemalloc-dev  # the allocator of routerd and the benchmarks (ROUTERD_MALLOC)
  postgresql libpq-dev  # the PostgreSQL backend and its tests
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-14 libclang-rt-14-dev
  python3 curl
  chromium  # the web console's end-to-end tests (tests/console, playwright-core)
)
# The console tests run on Node.js (18 or later) with npm; when the machine
# has neither, Debian's are installed.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi
# Extra sets, asked for by the scripts that need them.
for extra in "$@"; do
  case "$extra" in
    --bench) packages+=(wrk nginx-light hyperfine gnuplot-nox linux-perf python3-websocket) ;;
    *) echo "install-deps.sh: unknown option '$extra'" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps.sh: run as root or install sudo" >&2; exit 1; }
  as_root=(sudo)
fi
echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
