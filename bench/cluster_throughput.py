#!/usr/bin/python3
"""Durable ingest of a routerd cluster with 1, 2 and 3 instances on this machine.

Started by bench/cluster_bench.sh. For each instance count: an empty
database, that many instances (cluster mode, sync durability, one tenant, so
one owner routes and the others store for its inbox), and one wrk per
instance sending its own pre-generated unique signed WhatsApp POSTs
(routerd-loadgen --emit-requests, cycled by bench/loadgen/cycle_requests.lua)
for the measured seconds. Accepted requests per second (2xx) are summed over
the instances; 503s are back-pressure (the journal queue is full) and are
counted apart, as compare.sh does.
"""
import argparse
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster_failover import Instance, free_port, write_cluster_config  # noqa: E402  (same directory)

CONNECTIONS = 16


def write_config(path, pg_url):
    write_cluster_config(path, pg_url, 3000, "warn", """[[tenants.channels]]
id = "wa"
kind = "whatsapp"
skill_queue = "general"
app_secret = "bench-app-secret"
verify_token = "bench"
""")


def reset_database(psql):
    admin = [("postgres" if a == "routerd" else a) for a in psql]
    subprocess.run(admin + ["-c", "DROP DATABASE IF EXISTS routerd WITH (FORCE)", "-c", "CREATE DATABASE routerd"],
                   check=True, capture_output=True)


def owner_known(psql):
    out = subprocess.run(psql + ["-c", "SELECT count(*) FROM tenant_leases WHERE owner IS NOT NULL"
                                 " AND expires_at > now()"], capture_output=True, text=True).stdout.strip()
    return out == "1"


def run_wrk(port, requests, lua, seconds):
    """(accepted/s, refused/s) of one wrk run against 127.0.0.1:port."""
    return subprocess.Popen(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", lua,
                             f"http://127.0.0.1:{port}/", "--", requests, "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wrk_rates(proc, seconds):
    out = proc.communicate()[0]
    total = int(re.search(r"(\d+) requests in", out).group(1))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    non2xx = int(m.group(1)) if m else 0
    return (total - non2xx) / seconds, non2xx / seconds


def nginx_baseline(work, requests, lua, seconds):
    """nginx answering every POST with 200 on this machine, in the same run: the ratio's denominator."""
    port = free_port()
    root = os.path.join(work, "nginx")
    os.makedirs(root, exist_ok=True)
    conf = os.path.join(root, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""worker_processes 1;
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {root}/body;
  proxy_temp_path {root}/proxy;
  fastcgi_temp_path {root}/fastcgi;
  uwsgi_temp_path {root}/uwsgi;
  scgi_temp_path {root}/scgi;
  server {{ listen 127.0.0.1:{port}; location / {{ return 200 "EVENT_RECEIVED"; }} }}
}}
""")
    nginx = subprocess.Popen(["nginx", "-c", conf, "-p", root], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        return wrk_rates(run_wrk(port, requests, lua, seconds), seconds)[0]
    finally:
        nginx.terminate()
        nginx.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--routerd", required=True)
    ap.add_argument("--loadgen", required=True)
    ap.add_argument("--lua", required=True)
    ap.add_argument("--pg-url", required=True)
    ap.add_argument("--psql", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--count", type=int, default=300000, help="requests generated per instance")
    a = ap.parse_args()
    psql = a.psql.split()
    config = os.path.join(a.work, "throughput.toml")
    write_config(config, a.pg_url)
    env = dict(os.environ, ROUTERD_INSTANCE_ID="loadgen", ROUTERD_ADVERTISE_URL="http://127.0.0.1:1")
    files = []
    for k in range(3):
        path = os.path.join(a.work, f"requests-{k}.bin")
        subprocess.run([a.loadgen, "--routerd-config", config, "--emit-requests", path, "--count", str(a.count),
                        "--mix", "whatsapp=1", "--customers", "1000", "--run-id", f"{k + 1:08x}"],
                       check=True, env=env, capture_output=True)
        files.append(path)
    results = []
    for n in (1, 2, 3):
        reset_database(psql)
        instances = [Instance(a.routerd, config, a.work, 10 * n + i) for i in range(n)]
        try:
            for i in instances:
                i.start()
            deadline = time.time() + 30
            while not owner_known(psql) and time.time() < deadline:
                time.sleep(0.1)
            wrks = [run_wrk(i.port, files[k], a.lua, a.seconds) for k, i in enumerate(instances)]
            accepted = refused = 0.0
            for w in wrks:
                acc, ref = wrk_rates(w, a.seconds)
                accepted += acc
                refused += ref
            results.append((n, accepted, refused))
            print(f"{n} instance(s): {accepted:.0f} accepted/s in total, {refused:.0f} refused (503)/s", flush=True)
        finally:
            for i in instances:
                i.kill()
    nginx = nginx_baseline(a.work, files[0], a.lua, a.seconds)
    print(f"nginx (return 200, 1 worker, same requests, one wrk): {nginx:.0f}/s")
    base = results[0][1] or 1
    for n, acc, _ in results:
        print(f"  {n}: {acc:.0f}/s ({acc / base:.2f}x one instance, {acc / nginx:.3f} of nginx)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
