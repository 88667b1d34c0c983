#!/usr/bin/env bash
# Webhook ingest: routerd against nginx `return 200`, same machine, same signed
# WhatsApp POST, same wrk flags. Prints both rates and their ratio.
#
#   bench/webhook_vs_nginx.sh [seconds] [connections]
#
# The servers run on CPU 0 and wrk on CPU 1 (taskset), so the load generator
# does not compete with the server it measures. routerd runs with one I/O
# thread and one router shard (two threads on CPU 0); nginx with one worker.
# routerd is measured twice: with deduplication off, every POST is a new
# contact that is verified, parsed, handed to the router and routed (the
# customer's session gets one more message); with it on, every POST after the
# first is a duplicate (verified, parsed, answered 200, nothing routed).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-10}
connections=${2:-32}
routerd_port=18080
nginx_port=18081

scripts/install-deps.sh --bench
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2 --target routerd >/dev/null

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

secret=bench-app-secret
body='{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],"messages":[{"from":"16505551234","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=","timestamp":"1749416383","type":"text","text":{"body":"Does it come in another color?"}}]},"field":"messages"}]}]}'
signature="sha256=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$secret" | awk '{print $2}')"

cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = [[$body]]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Hub-Signature-256"] = "$signature"
LUA

write_routerd_config() {  # $1 = dedup window seconds
  cat > "$work/routerd.toml" <<TOML
[server]
listen = "127.0.0.1:$routerd_port"
io_threads = 1
router_shards = 1
log_level = "warn"
dedup_window_seconds = $1

[[tenants]]
id = "bench"
[[tenants.ous]]
id = "ou"
[[tenants.skill_queues]]
id = "q"
[[tenants.agents]]
employee_id = "1"
ou = "ou"
type = "multimedia"
skill_queues = ["q"]
[[tenants.channels]]
id = "wa"
kind = "whatsapp"
skill_queue = "q"
app_secret = "$secret"
verify_token = "bench"
TOML
}

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

wait_port() {
  for _ in $(seq 100); do
    if curl -s -o /dev/null "http://127.0.0.1:$1/"; then return 0; fi
    sleep 0.1
  done
  echo "server on port $1 did not start" >&2
  exit 1
}

measure() {  # $1 = port; prints requests/s
  local out
  out=$(taskset -c 1 wrk -t1 -c"$connections" -d"${seconds}s" --latency -s "$work/post.lua" "http://127.0.0.1:$1/webhooks/whatsapp/wa")
  echo "$out" >&2
  if echo "$out" | grep -q "Non-2xx"; then
    echo "non-2xx responses: the measurement is not valid" >&2
    exit 1
  fi
  echo "$out" | awk '/Requests\/sec/ {print $2}'
}

echo "== nginx return 200" >&2
taskset -c 0 nginx -c "$work/nginx.conf" &
pids+=($!)
wait_port $nginx_port
nginx_rps=$(measure $nginx_port)
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

run_routerd() {  # $1 = dedup window; prints requests/s
  write_routerd_config "$1"
  taskset -c 0 build/routerd --config "$work/routerd.toml" &
  local pid=$!
  pids+=($pid)
  wait_port $routerd_port
  measure $routerd_port
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

echo "== routerd, every POST a new contact (dedup off)" >&2
routerd_rps=$(run_routerd 0)
echo "== routerd, every POST a duplicate (dedup on)" >&2
routerd_dup_rps=$(run_routerd 86400)

ratio=$(awk -v a="$routerd_rps" -v b="$nginx_rps" 'BEGIN {printf "%.2f", a / b}')
ratio_dup=$(awk -v a="$routerd_dup_rps" -v b="$nginx_rps" 'BEGIN {printf "%.2f", a / b}')
printf '\nwrk -t1 -c%s -d%ss, signed WhatsApp POST (%s bytes), servers on CPU 0, wrk on CPU 1\n' \
  "$connections" "$seconds" "${#body}"
printf '%-44s %12s %8s\n' "server" "requests/s" "ratio"
printf '%-44s %12.0f %8s\n' "nginx return 200" "$nginx_rps" "1.00"
printf '%-44s %12.0f %8s\n' "routerd ingest (verify, parse, route)" "$routerd_rps" "$ratio"
printf '%-44s %12.0f %8s\n' "routerd duplicate delivery (verify, parse)" "$routerd_dup_rps" "$ratio_dup"
