#!/usr/bin/env bash
# Idle CPU and resident memory across bursts (the targets: an idle daemon
# under 1 % CPU; resident memory back to its baseline range after a burst, a
# drain and a second burst).
#
#   bench/idle_and_bursts.sh [durability=sync] [bursts=3] [rate=8000]
#   ROUTERD_BUILD_DIR=build-foo bench/idle_and_bursts.sh
#
# Starts routerd (CPU 0) on the bench configuration, measures its CPU time over
# 20 idle seconds (utime + stime from /proc), then runs `bursts` bursts of
# routerd-loadgen (CPU 1: 5 s at `rate`/s, all seven channels, 100 agents
# closing sessions after an exponential 0.2 s), each followed by the drain of
# every session, and prints the resident set (VmRSS) after each.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-sync}
bursts=${2:-3}
rate=${3:-8000}
build=${ROUTERD_BUILD_DIR:-build}
routerd_port=18380
agents=100

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DROUTERD_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$build" -j2 --target routerd routerd-loadgen >/dev/null

work=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

source bench/bench_config.sh
write_config "$work" "$mode"
taskset -c 0 "$build/routerd" --config "$work/routerd.toml" > "$work/routerd.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "127.0.0.1:$routerd_port/healthz" >/dev/null && break; sleep 0.1; done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
hz=$(getconf CLK_TCK)

printf '%s, %s, %s CPUs; durability %s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$(hostname)" "$(nproc)" "$mode"
sleep 2
t0=$(cpu_ticks)
sleep 20
t1=$(cpu_ticks)
awk -v d=$((t1 - t0)) -v hz="$hz" 'BEGIN {printf "idle: %.2f %% of one CPU over 20 s (%d ticks of 1/%d s)\n", 100 * d / hz / 20, d, hz}'
printf 'resident memory at start: %s kB\n' "$(rss_kb)"
for b in $(seq "$bursts"); do
  taskset -c 1 "$build/bench/routerd-loadgen" --routerd-config "$work/routerd.toml" --rate "$rate" --duration 5 \
    --warmup 0 --drain 15 --agents all --agent-token-template 'bench-agent-{employee_id}' --handle-time exp:0.2 \
    --customers 2000 --quiet --json "$work/burst-$b.json" >/dev/null 2>&1 || true
  sleep 2
  printf 'after burst %d (%s) and its drain: %s kB\n' "$b" \
    "$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print('%d requests, %d errors, %d of %d delivered' % (r['requests']['sent'], r['requests']['errors'], r['delivery']['delivered'], r['delivery']['expected']))" "$work/burst-$b.json")" \
    "$(rss_kb)"
done
