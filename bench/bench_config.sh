# Sourced by the bench scripts: write_config DIR DURABILITY writes DIR/routerd.toml,
# a tenant with all seven channels (bench secrets) and $agents agents whose plain
# tokens are "bench-agent-<employee_id>", listening on 127.0.0.1:$routerd_port.
# DURABILITY "" leaves [storage] at its defaults (data under DIR). With a third
# argument, storage is that PostgreSQL database (bench/pg_server.sh's $pg_url).
# $1 = directory, $2 = durability ("" = no [storage] table), $3 = PostgreSQL URL
write_config() {
  mkdir -p "$1"
  {
    cat <<TOML
[server]
listen = "127.0.0.1:$routerd_port"
io_threads = 1
router_shards = 1
log_level = "warn"
agent_outbox_limit = 100000
TOML
    if [ -n "$2" ]; then
      printf '\n[storage]\ndurability = "%s"\n' "$2"
      [ -n "${3:-}" ] && printf 'backend = "postgresql"\nurl = "%s"\n' "$3"
    fi
    cat <<'TOML'

[[tenants]]
id = "bench"
max_concurrent_sessions = 60
[[tenants.ous]]
id = "ou"
[[tenants.skill_queues]]
id = "general"
max_wait_seconds = 86400
max_waiting = 1000000

[[tenants.channels]]
id = "wechat"
kind = "wechat"
skill_queue = "general"
token = "bench-wechat-token"
app_id = "wx49f0ab532d5d035a"
encoding_aes_key = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
[[tenants.channels]]
id = "web"
kind = "web"
skill_queue = "general"
secret = "bench-web-secret"
[[tenants.channels]]
id = "x"
kind = "x"
skill_queue = "general"
consumer_secret = "bench-x-secret"
[[tenants.channels]]
id = "email"
kind = "email"
skill_queue = "general"
signing_key = "bench-mailgun-key"
[[tenants.channels]]
id = "wa"
kind = "whatsapp"
skill_queue = "general"
app_secret = "bench-app-secret"
verify_token = "bench"
[[tenants.channels]]
id = "fb"
kind = "facebook"
skill_queue = "general"
app_secret = "bench-fb-secret"
verify_token = "bench"
[[tenants.channels]]
id = "line"
kind = "line"
skill_queue = "general"
channel_secret = "bench-line-secret"
TOML
    # Agents: the config holds only the SHA-256 of each token; the plain
    # token is "bench-agent-<employee_id>" (routerd-loadgen --agent-token-template).
    for i in $(seq 1 "$agents"); do
      id=$((50000 + i))
      hash=$(printf '%s' "bench-agent-$id" | sha256sum | cut -d' ' -f1)
      printf '[[tenants.agents]]\nemployee_id = "%s"\nou = "ou"\ntype = "multimedia"\nskill_queues = ["general"]\n' "$id"
      printf '[[tenants.tokens]]\nrole = "agent"\nemployee_id = "%s"\ntoken_sha256 = "%s"\n' "$id" "$hash"
    done
  } > "$1/routerd.toml"
}


# write_tenants_config DIR DURABILITY IO_THREADS SHARDS PARTITIONS TENANTS: TENANTS
# tenants t0..t<n-1>, each with a WhatsApp channel wa<k> (the bench app secret)
# and a queue "general"; for the core sweep, where shards and journal
# partitions need several tenants to have work.
write_tenants_config() {
  mkdir -p "$1"
  {
    printf '[server]\nlisten = "127.0.0.1:%s"\nio_threads = %s\nrouter_shards = %s\n' "$routerd_port" "$3" "$4"
    printf 'log_level = "warn"\nrouter_queue_capacity = 262144\n'
    printf '\n[storage]\ndurability = "%s"\npartitions = %s\n' "$2" "$5"
    for t in $(seq 0 $(( $6 - 1 ))); do
      cat <<TOML

[[tenants]]
id = "t$t"
max_concurrent_sessions = 60
[[tenants.ous]]
id = "ou"
[[tenants.skill_queues]]
id = "general"
max_wait_seconds = 86400
max_waiting = 1000000
[[tenants.channels]]
id = "wa$t"
kind = "whatsapp"
skill_queue = "general"
app_secret = "bench-app-secret"
verify_token = "bench"
TOML
    done
  } > "$1/routerd.toml"
}
