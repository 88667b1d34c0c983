#!/usr/bin/env bash
# Core sweep: how ingest scales with the server's cores, against nginx on the
# same machine in one run. For each width w: nginx `return 200` with w workers
# before and after routerd async and sync with w I/O threads, max(1, w/2)
# router shards and w journal partitions, all pinned to CPUs 0..w-1; wrk on the CPUs above
# them, sending unique signed WhatsApp POSTs spread over 8 tenants. Prints
# requests/s, answers other than 2xx (503 when routerd is at capacity) and the
# ratio to nginx for each w.
#
#   bench/core_sweep.sh [seconds=5] [widths="1 2 4 8"]
#   ROUTERD_BUILD_DIR=build-foo bench/core_sweep.sh
#
# A width is measured only when the machine has more CPUs than w, so that wrk
# has a CPU of its own: a 2-core machine measures w = 1 only (use the device
# bundle of ../shared/tools/multicore for 16 cores).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-5}
widths=${2:-"1 2 4 8"}
build=${ROUTERD_BUILD_DIR:-build}
routerd_port=18190
nginx_port=18191
tenants=8
ncpu=$(nproc)

source bench/bench_setup.sh  # builds; $routerd $loadgen $lua $work $pids; wait_port, metric_sum
source bench/bench_config.sh  # write_tenants_config


# wrk threads: the CPUs left above the widest server, at most 8.
max_w=0
for w in $widths; do (( w < ncpu && w > max_w )) && max_w=$w; done
(( max_w == 0 )) && { echo "no width below $ncpu CPUs" >&2; exit 1; }
client_cpus="$max_w-$(( ncpu - 1 ))"
wrk_threads=$(( ncpu - max_w )); (( wrk_threads > 8 )) && wrk_threads=8
count=$(( seconds * 200000 * max_w )); (( count > 3000000 )) && count=3000000

write_tenants_config "$work/gen" async 1 1 1 "$tenants"
echo "== generating $count unique signed WhatsApp POSTs over $tenants tenants" >&2
"$loadgen" --routerd-config "$work/gen/routerd.toml" --emit-requests "$work/requests.bin" --count "$count" \
  --mix whatsapp=1 --customers 4000 >&2

measure() {  # $1 port; sets rps, non2xx
  local out
  out=$(taskset -c "$client_cpus" wrk -t"$wrk_threads" -c256 -d"${seconds}s" -s "$lua" \
    "http://127.0.0.1:$1/" -- "$work/requests.bin" "$wrk_threads")
  echo "$out" >&2
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  non2xx=${non2xx:-0}
}

rows=()
for w in $widths; do
  if (( w >= ncpu )); then
    rows+=("$(printf '%3s  %-8s %s' "$w" "-" "not measured: $ncpu CPUs leave none for wrk")")
    continue
  fi
  cores="0-$(( w - 1 ))"
  mkdir -p "$work/nginx$w"
  cat > "$work/nginx$w/nginx.conf" <<NGINX
worker_processes $w;
daemon off;
pid $work/nginx$w/nginx.pid;
error_log $work/nginx$w/error.log;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $work/nginx$w/body;
  proxy_temp_path $work/nginx$w/proxy;
  fastcgi_temp_path $work/nginx$w/fastcgi;
  uwsgi_temp_path $work/nginx$w/uwsgi;
  scgi_temp_path $work/nginx$w/scgi;
  server { listen 127.0.0.1:$nginx_port reuseport; location / { return 200 "EVENT_RECEIVED"; } }
}
NGINX
  # nginx before and after routerd's rows, the ratios to their mean: a VM's
  # speed drifts within minutes, and one nginx row would carry that drift
  # into every ratio of its width.
  measure_nginx() {  # $1 = before or after; sets nginx_rps_$1 and nginx_non2xx_$1
    echo "== w=$w nginx ($1 routerd)" >&2
    taskset -c "$cores" nginx -c "$work/nginx$w/nginx.conf" & np=$!; pids+=("$np")
    wait_port "$nginx_port"
    measure "$nginx_port"
    printf -v "nginx_rps_$1" '%s' "$rps"
    printf -v "nginx_non2xx_$1" '%s' "$non2xx"
    kill "$np"; wait "$np" 2>/dev/null || true
  }
  measure_nginx before
  shards=$(( w / 2 )); (( shards < 1 )) && shards=1
  routerd_rows=()
  for mode in async sync; do
    dir="$work/routerd-$w-$mode"
    write_tenants_config "$dir" "$mode" "$w" "$shards" "$w" "$tenants"
    echo "== w=$w routerd $mode (io $w, shards $shards, partitions $w)" >&2
    taskset -c "$cores" "$routerd" --config "$dir/routerd.toml" > "$dir/routerd.log" 2>&1 & rp=$!; pids+=("$rp")
    wait_port "$routerd_port"
    measure "$routerd_port"
    accepted=$(metric_sum routerd_webhook_contacts_accepted_total)
    kill "$rp"; wait "$rp" 2>/dev/null || true
    routerd_rows+=("$mode $rps $non2xx $accepted")
  done
  measure_nginx after
  nginx_rps=$(awk -v a="$nginx_rps_before" -v b="$nginx_rps_after" 'BEGIN {printf "%.2f", (a + b) / 2}')
  for when in before after; do
    n="nginx_rps_$when" e="nginx_non2xx_$when"
    ratio=$(awk -v a="${!n}" -v b="$nginx_rps" 'BEGIN {printf "%.2f", a / b}')
    rows+=("$(printf '%3s  %-8s %11.0f %8s %6s  %s routerd' "$w" nginx "${!n}" "${!e}" "$ratio" "$when")")
  done
  for r in "${routerd_rows[@]}"; do
    read -r mode rps non2xx accepted <<< "$r"
    ratio=$(awk -v a="$rps" -v b="$nginx_rps" 'BEGIN {printf "%.2f", a / b}')
    rows+=("$(printf '%3s  %-8s %11.0f %8s %6s  accepted %s' "$w" "$mode" "$rps" "$non2xx" "$ratio" "$accepted")")
  done
done

printf '\n%s, %s, %s CPUs (%s)\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$(hostname)" "$ncpu" \
  "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
printf 'servers on CPUs 0..w-1; wrk -t%s -c256 -d%ss on CPUs %s; %s tenants; unique signed WhatsApp POSTs\n' \
  "$wrk_threads" "$seconds" "$client_cpus" "$tenants"
printf 'routerd: w I/O threads, max(1, w/2) router shards, w journal partitions\n'
printf 'ratio: to the mean of the two nginx rows of the width (measured before and after routerd)\n\n'
printf '%3s  %-8s %11s %8s %6s\n' w server requests/s non-2xx ratio
for r in "${rows[@]}"; do echo "$r"; done
