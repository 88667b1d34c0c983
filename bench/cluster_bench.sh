#!/usr/bin/env bash
# Cluster mode figures on this machine (bench/README.md, "Cluster mode"):
#   1. failover: routerd instances on one private PostgreSQL; the owner of the
#      tenant is SIGKILLed KILLS times; each time, the time until an agent is
#      shown a message posted after the kill (bench/cluster_failover.py).
#   2. throughput: signed WhatsApp POSTs (routerd-loadgen --emit-requests,
#      cycled by wrk) sent to 1, 2 and 3 instances at once, each with its own
#      requests; accepted contacts per second summed over the instances.
#
#   bench/cluster_bench.sh [KILLS] [LEASE_MS] [SECONDS]   (defaults 20 3000 10)
set -euo pipefail
cd "$(dirname "$0")/.."
kills=${1:-20}
lease_ms=${2:-3000}
seconds=${3:-10}

scripts/install-deps.sh --bench
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target routerd routerd-loadgen >/dev/null
loadgen=build/bench/routerd-loadgen
work=$(mktemp -d /tmp/routerd-cluster-bench-XXXXXX)
source bench/pg_server.sh
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pg_stop
}
trap cleanup EXIT
pg_port=$((20000 + RANDOM % 20000))
pg_start "$pg_port"
psql=("${pg_as[@]}" "$pg_bin/psql" -h "$pg_dir" -p "$pg_port" -U postgres -d routerd -qAt)

echo "== failover: 3 instances, lease $lease_ms ms, $kills SIGKILLs of the owner" >&2
/usr/bin/python3 bench/cluster_failover.py --routerd build/routerd --pg-url "$pg_url" --psql "${psql[*]}" \
  --work "$work" --instances 3 --kills "$kills" --lease-ms "$lease_ms" | tee "$work/failover.txt"

echo "== throughput: 1, 2 and 3 instances, ${seconds} s each" >&2
/usr/bin/python3 bench/cluster_throughput.py --routerd build/routerd --loadgen "$loadgen" \
  --lua bench/loadgen/cycle_requests.lua --pg-url "$pg_url" --psql "${psql[*]}" --work "$work" \
  --seconds "$seconds" | tee "$work/throughput.txt"
echo "logs and results in $work" >&2
