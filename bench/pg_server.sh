# Sourced by the bench scripts: a private PostgreSQL server for a benchmark run,
# in a directory of its own, reachable only through a Unix socket there, with
# the server's default durability (fsync on, synchronous_commit on: routerd's
# "async" mode turns the latter off for its own batches).
#
#   pg_start PORT [CPU]   # sets $pg_url; the server is pinned to CPU when given
#   pg_reset              # an empty routerd database
#   pg_stop               # fast shutdown, removes the server's directory
#
# The server lives in a directory of its own under /tmp (a script's mktemp
# directory is private to root, and the server may run as another user).
#
# As root (CI, the bench machines) the cluster belongs to and runs as the
# `postgres` user, since PostgreSQL refuses to run as root.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
pg_dir=""
pg_as=()
[ "$(id -u)" -eq 0 ] && pg_as=(runuser -u postgres --)

pg_start() {
  local port=$1 cpu=${2:-}
  [ -x "$pg_bin/initdb" ] || { echo "PostgreSQL is not installed (scripts/install-deps.sh)" >&2; exit 1; }
  pg_dir=$(mktemp -d /tmp/routerd-bench-pg-XXXXXX)
  [ ${#pg_as[@]} -gt 0 ] && chown postgres: "$pg_dir"
  (cd "$pg_dir" && "${pg_as[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --locale=C \
    >"$pg_dir/initdb.log" 2>&1) || { cat "$pg_dir/initdb.log" >&2; exit 1; }
  local pin=()
  [ -n "$cpu" ] && pin=(taskset -c "$cpu")
  (cd "$pg_dir" && "${pin[@]}" "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
    -o "-k $pg_dir -p $port -c listen_addresses='' -c max_connections=100 -c shared_buffers=256MB" start \
    >/dev/null) || { cat "$pg_dir/server.log" >&2; exit 1; }
  "${pg_as[@]}" "$pg_bin/psql" -h "$pg_dir" -p "$port" -U postgres -qAt -c "CREATE DATABASE routerd" >/dev/null
  pg_url="postgresql:///routerd?host=$pg_dir&port=$port&user=postgres"
}

pg_stop() {
  [ -n "$pg_dir" ] && [ -d "$pg_dir/data" ] || return 0
  (cd "$pg_dir" && "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1) || true
  rm -rf "$pg_dir"
  pg_dir=""
}

# An empty routerd database, so that each measured run starts alike.
pg_reset() {
  local port=${pg_url##*port=}
  port=${port%%&*}
  "${pg_as[@]}" "$pg_bin/psql" -h "$pg_dir" -p "$port" -U postgres -qAt \
    -c "DROP DATABASE IF EXISTS routerd WITH (FORCE)" -c "CREATE DATABASE routerd" >/dev/null
}
