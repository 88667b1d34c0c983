# Sourced by the wrk-based bench scripts after they set $build: installs the
# bench packages, builds routerd and routerd-loadgen, and sets $routerd,
# $loadgen, $lua and a $work directory that, with every pid added to $pids,
# is cleaned up when the script exits. Also wait_port PORT and metric_sum
# NAME (a /metrics family summed over its labels, from $routerd_port).
scripts/install-deps.sh --bench
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DROUTERD_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$build" -j2 --target routerd routerd-loadgen >/dev/null
routerd="$build/routerd"
loadgen="$build/bench/routerd-loadgen"
lua="$PWD/bench/loadgen/cycle_requests.lua"

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

wait_port() {
  for _ in $(seq 100); do
    if curl -s -o /dev/null "http://127.0.0.1:$1/"; then return 0; fi
    sleep 0.1
  done
  echo "server on port $1 did not start" >&2
  exit 1
}

metric_sum() { curl -s "127.0.0.1:$routerd_port/metrics" | awk -v m="$1" '$1 ~ "^"m"({|$)" {s += $2} END {printf "%d", s}'; }
