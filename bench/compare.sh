#!/usr/bin/env bash
# Comparison harness: on this machine, in one run,
#   1. nginx `return 200`, measured by wrk before each routerd wrk row and after the last;
#   2. routerd with [storage] durability = "async", then "sync", measured by wrk
#      with the SAME flags and the SAME request method; then both again with
#      backend = "postgresql" against a private PostgreSQL server on this
#      machine, pinned to routerd's CPU (ROUTERD_BENCH_POSTGRESQL=0 skips them);
#   3. routerd-loadgen against each routerd mode with realistic traffic (all
#      seven channels, duplicates, receipts) and simulated agents: first its
#      closed-loop peak, then an open loop at one rate for every mode, 50 % of
#      the slowest peak, for end-to-end latency (webhook -> agent).
# Prints a table with the ratios to nginx.
#
#   bench/compare.sh [seconds=10] [connections=32]
#   ROUTERD_BUILD_DIR=build-foo bench/compare.sh      # build dir (default: build)
#
# Servers run on CPU 0, load generators (wrk, routerd-loadgen) on CPU 1
# (taskset), as in webhook_vs_nginx.sh. routerd runs one I/O thread and one
# router shard; nginx one worker.
#
# Why a request file: routerd deduplicates deliveries (durably, with
# [storage]), so a byte-identical POST repeated by wrk is a duplicate after the
# first one (verified, parsed, journaled as a duplicate, answered 200, not
# routed). For an honest ingest figure every wrk request must be unique:
# routerd-loadgen --emit-requests writes that many signed WhatsApp POSTs, and
# bench/loadgen/cycle_requests.lua makes wrk send them in order. nginx gets
# the same file through the same script, so both pay the same client cost.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-10}
connections=${2:-32}
build=${ROUTERD_BUILD_DIR:-build}
routerd_port=18180
nginx_port=18181
pg_port=18182
agents=100
# Requests in the file: enough for a routerd at 150 k/s for the whole run, at
# most 2 M (about 1.5 GB of wrk memory). nginx may run past the end of the
# file (it does not deduplicate, so repeats cost it nothing more); routerd
# rows that do are flagged.
count=$(( seconds * 150000 ))
(( count > 2000000 )) && count=2000000

source bench/bench_setup.sh  # builds; $routerd $loadgen $lua $work $pids; wait_port, metric_sum

# ---- configuration -------------------------------------------------------------
source bench/bench_config.sh  # write_config DIR DURABILITY, using $routerd_port and $agents

source bench/pg_server.sh     # pg_start, pg_reset, pg_stop: $pg_url

# ---- durability modes ------------------------------------------------------------
write_config "$work/probe" async
if check=$("$routerd" --check-config "$work/probe/routerd.toml" 2>&1); then
  modes=(async sync)
  if [ "${ROUTERD_BENCH_POSTGRESQL:-1}" != 0 ]; then
    pg_start "$pg_port" 0
    trap 'pg_stop; cleanup' EXIT
    modes+=(pg-async pg-sync)
  fi
else
  echo "== this routerd does not accept [storage] yet; measuring its default mode only:" >&2
  echo "$check" | grep -m1 -i storage >&2 || echo "$check" | head -3 >&2
  modes=(default)
fi

# ---- the request file --------------------------------------------------------------
write_config "$work/gen" ""
echo "== generating $count unique signed WhatsApp POSTs" >&2
"$loadgen" --routerd-config "$work/gen/routerd.toml" --emit-requests "$work/requests.bin" --count "$count" \
  --mix whatsapp=1 --customers 1000
body_bytes=$(head -c 4096 "$work/requests.bin" | grep -a -m1 '^Content-Length:' | tr -dc '0-9')

# ---- servers -------------------------------------------------------------------------
mkdir -p "$work/nginx"
cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { return 200 "EVENT_RECEIVED"; }
  }
}
NGINX


# $1 = port, $2 = name, $3 = "allow-503" where refusals are back-pressure;
# sets wrk_rps (accepted requests/s), wrk_total (requests answered), wrk_p50,
# wrk_p99, wrk_beyond, wrk_refused
measure_wrk() {
  local out
  out=$(taskset -c 1 wrk -t1 -c"$connections" -d"${seconds}s" --latency -s "$lua" \
    "http://127.0.0.1:$1/" -- "$work/requests.bin" 1)
  echo "$out" >&2
  wrk_total=$(echo "$out" | awk '/requests in/ {print $1}')
  wrk_refused=$(echo "$out" | awk '/Non-2xx or 3xx responses:/ {print $5}')
  wrk_refused=${wrk_refused:-0}
  if [ "$wrk_refused" -gt 0 ] && [ "${3:-}" != allow-503 ]; then
    echo "$2: non-2xx responses: the measurement is not valid" >&2
    exit 1
  fi
  wrk_rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  if [ "$wrk_refused" -gt 0 ]; then
    # Back-pressure (503 while the journal queue is full) is the designed
    # answer to more load than storage takes: count what was accepted.
    local total
    total=$(echo "$out" | awk '/requests in/ {print $1}')
    wrk_rps=$(awk -v t="$total" -v r="$wrk_refused" -v s="$seconds" 'BEGIN {printf "%.2f", (t - r) / s}')
  fi
  wrk_p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  wrk_p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  wrk_beyond=$(echo "$out" | awk '/^cycle_requests:/ {print $8}')
}

start_routerd() {  # $1 = mode: default, async, sync, pg-async, pg-sync
  local dir="$work/routerd-$1"
  rm -rf "$dir"
  case "$1" in
    default) write_config "$dir" "" ;;
    pg-*) pg_reset; write_config "$dir" "${1#pg-}" "$pg_url" ;;
    *) write_config "$dir" "$1" ;;
  esac
  taskset -c 0 "$routerd" --config "$dir/routerd.toml" > "$dir/routerd.log" 2>&1 &
  routerd_pid=$!
  pids+=("$routerd_pid")
  wait_port "$routerd_port"
}

thread_cpu() {  # $1 = pid, $2 = requests: "name user+sys" per request (us) of each thread that used any CPU
  local tick t
  tick=$(getconf CLK_TCK)
  for t in /proc/"$1"/task/*; do
    awk -v n="$(cat "$t/comm")" -v hz="$tick" -v r="$2" \
      '$14 + $15 > 0 {printf "%s %.1f+%.1f us; ", n, $14 / hz / r * 1e6, $15 / hz / r * 1e6}' "$t/stat"
  done
}

stop_routerd() {
  kill "$routerd_pid"
  wait "$routerd_pid" 2>/dev/null || true
}

# nginx is measured before each routerd wrk row and after the last, and each
# routerd row's ratio is to the mean of the nginx rows on either side of it:
# a VM's speed drifts by tens of percent within a minute, and one nginx row
# taken first would carry that drift into every ratio. Every nginx row is
# printed, so the drift shows.
declare -a nginx_rps nginx_p50 nginx_p99 nginx_beyond
measure_nginx() {  # $1 = its place: 0 before the first routerd row, i before row i
  echo "== nginx return 200 (row $1)" >&2
  taskset -c 0 nginx -c "$work/nginx.conf" &
  nginx_pid=$!
  pids+=("$nginx_pid")
  wait_port "$nginx_port"
  measure_wrk "$nginx_port" nginx
  echo "== nginx, CPU per request: $(thread_cpu "$(pgrep -P "$nginx_pid" | head -1)" "$wrk_total")" >&2
  nginx_rps[$1]=$wrk_rps nginx_p50[$1]=$wrk_p50 nginx_p99[$1]=$wrk_p99 nginx_beyond[$1]=$wrk_beyond
  kill "$nginx_pid"; wait "$nginx_pid" 2>/dev/null || true
}

declare -A rps p50 p99 beyond per_commit fsyncs refused nginx_ref
for i in "${!modes[@]}"; do
  mode=${modes[$i]}
  measure_nginx "$i"
  echo "== routerd, durability $mode, wrk" >&2
  start_routerd "$mode"
  measure_wrk "$routerd_port" "routerd $mode" "$([ "${mode#pg-}" != "$mode" ] && echo allow-503)"
  # Which thread took the server core: CPU time (user + system) of each
  # routerd thread since its start, the wrk run nearly all of it, per request
  # answered, beside nginx's worker measured the same way.
  echo "== routerd $mode, CPU per request by thread: $(thread_cpu "$routerd_pid" "$wrk_total")" >&2
  rps[$mode]=$wrk_rps p50[$mode]=$wrk_p50 p99[$mode]=$wrk_p99 beyond[$mode]=$wrk_beyond refused[$mode]=$wrk_refused
  contacts=$(metric_sum routerd_webhook_contacts_accepted_total)
  commits=$(metric_sum routerd_journal_commits_total)
  per_commit[$mode]=$(awk -v a="$contacts" -v c="$commits" 'BEGIN {printf (c ? "%.1f" : "-"), a / c}')
  fsyncs[$mode]=$(awk -v c="$commits" -v s="$seconds" 'BEGIN {printf "%.0f", c / s}')
  stop_routerd
done
measure_nginx "${#modes[@]}"
for i in "${!modes[@]}"; do
  nginx_ref[${modes[$i]}]=$(awk -v a="${nginx_rps[$i]}" -v b="${nginx_rps[$((i + 1))]}" 'BEGIN {printf "%.2f", (a + b) / 2}')
done

# The realistic mix costs several times what a WhatsApp POST does (WeChat's
# AES, Mailgun's forms, seven parsers, the agents' frames and closes on the
# same core), so the end-to-end rate comes from the mix's own peak: each
# mode's closed-loop rate with as many connections as wrk had, then one rate
# for every mode, half the slowest of them, so that their latencies compare
# and measure the path rather than a queue in front of a saturated core.
run_loadgen() {  # $1 = mode, $2 = report file, then the load options
  local mode=$1 report=$2
  shift 2
  start_routerd "$mode"
  taskset -c 1 "$loadgen" --routerd-config "$work/routerd-$mode/routerd.toml" "$@" \
    --duration "$seconds" --warmup 2 --drain 10 --agents all --agent-token-template 'bench-agent-{employee_id}' \
    --handle-time exp:0.2 --customers 2000 --messages-per-session 3 --duplicates 0.05 --receipts 0.05 \
    --json "$report" >&2 || true
  stop_routerd
}
declare -A mix_peak
for mode in "${modes[@]}"; do
  echo "== routerd, durability $mode, routerd-loadgen closed loop on $connections connections (the mix's peak)" >&2
  run_loadgen "$mode" "$work/peak-$mode.json" --closed "$connections"
  # 2xx answers only: where storage falls behind, the rest are 503s, which
  # are quick and would make a peak of refusals.
  mix_peak[$mode]=$(python3 -c 'import json, sys
try:
    print("%.0f" % (json.load(open(sys.argv[1]))["requests"]["ok"] / float(sys.argv[2])))
except Exception:
    print(0)' "$work/peak-$mode.json" "$seconds")
done
slowest=$(for mode in "${modes[@]}"; do echo "${mix_peak[$mode]}"; done | sort -g | head -1)
rate=$(awk -v r="$slowest" 'BEGIN {printf "%d", r / 2}')
if [ "$rate" -lt 1 ]; then
  echo "the closed-loop runs reported no rate: see the loadgen output above" >&2
  exit 1
fi
declare -A lg
for mode in "${modes[@]}"; do
  echo "== routerd, durability $mode, routerd-loadgen at $rate/s (50 % of the slowest mode's peak of the mix)" >&2
  run_loadgen "$mode" "$work/loadgen-$mode.json" --rate "$rate" --connections 128
  lg[$mode]=$(python3 - "$work/loadgen-$mode.json" "${mix_peak[$mode]}" <<'PY'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except Exception:
    print("(no report)")
    sys.exit(0)
def ms(us): return "%.2f" % (us / 1000.0)
a, d, q = r["ack_latency_us"], r["delivery_latency_us"], r["requests"]
v = r["delivery"]
print("%9s %8.0f %9.0f %7d  %-24s %-24s %d of %d, twice %d, receipts %d" % (
    sys.argv[2], r["target_rate"], r["achieved_rate"], q["errors"],
    "/".join(ms(a[k]) for k in ("p50", "p99", "p999")), "/".join(ms(d[k]) for k in ("p50", "p99", "p999")),
    v["delivered"], v["expected"], v["delivered_twice"], v["receipts_delivered"]))
PY
)
done

# ---- the table --------------------------------------------------------------------------
printf '\n%s, %s, %s CPUs (%s)\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$(hostname)" "$(nproc)" \
  "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
printf 'load average before the table: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'servers pinned to CPU 0 (taskset -c 0), load generators (wrk, routerd-loadgen) to CPU 1 (taskset -c 1)\n'
printf 'routerd: 1 I/O thread + 1 router shard; nginx-light: 1 worker, return 200\n'
printf 'postgresql rows: a private PostgreSQL server (fsync on) on CPU 0 beside routerd, over a Unix socket\n\n'
printf 'Ingest: wrk -t1 -c%s -d%ss --latency, method: unique signed WhatsApp POSTs (%s-byte bodies)\n' \
  "$connections" "$seconds" "$body_bytes"
printf 'cycled from a file of %s by bench/loadgen/cycle_requests.lua, for every row\n\n' "$count"
printf '%-38s %11s %6s %9s %9s %9s %8s %s\n' "server" "requests/s" "ratio" "ack p50" "ack p99" \
  "per commit" "fsyncs/s" "note"
note() {
  local n=""
  [ "${1:-0}" -gt 0 ] 2>/dev/null && n="$1 requests beyond the file's end (repeats)"
  [ "${2:-0}" -gt 0 ] 2>/dev/null && n="${n:+$n; }$2 answered 503 (journal queue full), not counted"
  echo "$n"
}
nginx_row() {  # $1 = its place
  printf '%-38s %11.0f %6s %9s %9s %9s %8s %s\n' "nginx return 200" "${nginx_rps[$1]}" "-" "${nginx_p50[$1]}" \
    "${nginx_p99[$1]}" "-" "-" "$(note "${nginx_beyond[$1]}")"
}
for i in "${!modes[@]}"; do
  mode=${modes[$i]}
  nginx_row "$i"
  ratio=$(awk -v a="${rps[$mode]}" -v b="${nginx_ref[$mode]}" 'BEGIN {printf "%.2f", a / b}')
  label="routerd, durability ${mode#pg-}"
  [ "${mode#pg-}" != "$mode" ] && label="$label, postgresql"
  printf '%-38s %11.0f %6s %9s %9s %9s %8s %s\n' "$label" "${rps[$mode]}" "$ratio" "${p50[$mode]}" \
    "${p99[$mode]}" "${per_commit[$mode]:--}" "${fsyncs[$mode]:--}" "$(note "${beyond[$mode]}" "${refused[$mode]}")"
done
nginx_row "${#modes[@]}"
printf '(ratio: to the mean of the nginx rows just above and below, measured right before and after;\n'
printf ' per commit: webhook contacts per journal commit; fsyncs/s: journal commits per second of the run;\n'
printf ' requests/s counts 2xx answers only: where storage falls behind, the rest were refused with 503)\n'
printf '\nEnd to end, the realistic mix: all seven channels equally, 5 %% duplicates, 5 %% receipts/echoes,\n'
printf '2000 customers x 3 messages, %s agents (cap 60), handle time exponential with mean 0.2 s.\n' "$agents"
printf 'mix peak/s: 2xx answers of a routerd-loadgen closed loop on %s connections, %ss after a 2 s warm-up;\n' \
  "$connections" "$seconds"
printf 'then an open loop at %s/s (50 %% of the slowest mix peak) in every mode, %ss after a 2 s warm-up,\n' \
  "$rate" "$seconds"
printf 'on 128 connections; its latency counts from the intended send time (ms)\n\n'
printf '%-10s %9s %8s %9s %7s  %-24s %-24s %s\n' "durability" "mix peak/s" "target/s" "achieved" "errors" \
  "ack p50/p99/p99.9" "to agent p50/p99/p99.9" "delivered"
for mode in "${modes[@]}"; do
  printf '%-10s %s\n' "$mode" "${lg[$mode]}"
done
