#!/usr/bin/python3
"""Failover and handover times of a routerd cluster, measured end to end.

Started by bench/cluster_bench.sh (which builds routerd and runs a private
PostgreSQL); run by hand:

  /usr/bin/python3 bench/cluster_failover.py --routerd build/routerd --pg-url URL \
      --work DIR [--instances 3] [--kills 20] [--lease-ms 3000]

Three instances (by default) share one tenant's routing. An agent (a WebSocket
client that follows the owner-moved close code 4004 to the URL it names, and
otherwise reconnects to any instance) stays ready and closes every session it
gets. Each round SIGKILLs the tenant's owner at t0 while a sender posts a new
signed web message to a surviving instance every 20 ms; the failover time is
t0 until the agent is shown the first message posted after t0: lease expiry,
takeover, state recovery, the agent's reconnection and the assignment, all
included. The killed instance is then restarted; when it wins the tenant back,
its owner hands it over cleanly, and that handover (release to the agent's
first new message) is measured the same way.
"""
import argparse
import hashlib
import hmac
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

import websocket  # Debian: python3-websocket (scripts/install-deps.sh --bench)

SECRET = "bench-web-secret"
AGENT_TOKEN = "bench-agent-a1"
TENANT = "bench"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_cluster_config(path, pg_url, lease_ms, log_level, tenant_tables):
    """A cluster instance's file: everything but the tenant (`tenant_tables`), the
    same for every instance; each one's id and URL come from its environment."""
    with open(path, "w") as f:
        f.write(f"""[server]
listen = "127.0.0.1:0"
io_threads = 1
router_shards = 1
log_level = "{log_level}"
agent_grace_seconds = 60

[storage]
backend = "postgresql"
url = "{pg_url}"
durability = "sync"

[cluster]
enabled = true
instance_id_env = "ROUTERD_INSTANCE_ID"
advertise_url_env = "ROUTERD_ADVERTISE_URL"
lease_ms = {lease_ms}

[[tenants]]
id = "{TENANT}"
max_concurrent_sessions = 60
[[tenants.ous]]
id = "ou"
[[tenants.skill_queues]]
id = "general"
max_wait_seconds = 86400
max_waiting = 1000000
""" + tenant_tables)


def write_config(path, pg_url, lease_ms):
    write_cluster_config(path, pg_url, lease_ms, "info", f"""[[tenants.channels]]
id = "web"
kind = "web"
skill_queue = "general"
secret = "{SECRET}"
[[tenants.agents]]
employee_id = "a1"
ou = "ou"
type = "multimedia"
skill_queues = ["general"]
max_concurrent_sessions = 60
[[tenants.tokens]]
name = "a1"
role = "agent"
employee_id = "a1"
token_sha256 = "{hashlib.sha256(AGENT_TOKEN.encode()).hexdigest()}"
""")


class Instance:
    def __init__(self, binary, config, work, index):
        self.binary, self.config, self.work, self.index = binary, config, work, index
        self.id = f"node-{index}"
        self.port = free_port()
        self.proc = None

    def start(self):
        env = dict(os.environ, ROUTERD_INSTANCE_ID=self.id, ROUTERD_ADVERTISE_URL=f"http://127.0.0.1:{self.port}")
        # The listen address comes from the file; each instance needs its own.
        cfg = os.path.join(self.work, f"{self.id}.toml")
        with open(self.config) as src, open(cfg, "w") as dst:
            dst.write(src.read().replace('listen = "127.0.0.1:0"', f'listen = "127.0.0.1:{self.port}"'))
        log = open(os.path.join(self.work, f"{self.id}.log"), "ab")
        self.proc = subprocess.Popen([self.binary, "--config", cfg], env=env, stdout=log, stderr=log)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                c.request("GET", "/healthz")
                if c.getresponse().status in (200, 503):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"{self.id} did not come up (see {self.id}.log)")

    def kill(self, sig=signal.SIGKILL):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=30)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None


def post_message(port, event_id):
    body = json.dumps({"event_id": event_id, "type": "message", "visitor": {"id": event_id, "name": "V"},
                       "text": "hello", "sent_at": int(time.time() * 1000)})
    ts = str(int(time.time()))
    sig = "sha256=" + hmac.new(SECRET.encode(), (ts + "." + body).encode(), hashlib.sha256).hexdigest()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    c.request("POST", "/webhooks/web/web", body, {"Content-Type": "application/json", "X-Routerd-Timestamp": ts,
                                                   "X-Routerd-Signature": sig})
    return c.getresponse().status


class Agent(threading.Thread):
    """Stays connected to the owner and ready; records when each message id is first shown."""

    def __init__(self, instances):
        super().__init__(daemon=True)
        self.instances = instances
        self.shown = {}  # message id -> time first shown
        self.lock = threading.Lock()
        self.port = None  # the instance it is connected to
        self.stop = False

    def run(self):
        target = None
        while not self.stop:
            port = target or random.choice([i.port for i in self.instances if i.alive()])
            target = None
            try:
                ws = websocket.create_connection(f"ws://127.0.0.1:{port}/api/v1/agents/a1/ws?token={AGENT_TOKEN}",
                                                 timeout=2)
            except Exception:
                time.sleep(0.05)
                continue
            self.port = port
            try:
                ws.send(json.dumps({"type": "sign_in", "id": 1}))
                ws.send(json.dumps({"type": "ready", "id": 2}))
                while not self.stop:
                    try:
                        op, data = ws.recv_data(control_frame=False)
                    except websocket.WebSocketTimeoutException:
                        continue
                    if op == websocket.ABNF.OPCODE_CLOSE:
                        code = int.from_bytes(data[:2], "big") if len(data) >= 2 else 0
                        reason = data[2:].decode(errors="replace")
                        if code == 4004 and reason.startswith("http://"):
                            target = int(reason.rsplit(":", 1)[1])
                        break
                    frame = json.loads(data)
                    now = time.time()
                    ids = []
                    if frame.get("type") == "assigned":
                        ids = [m["id"] for m in frame.get("messages", [])]
                        ws.send(json.dumps({"type": "close", "session_id": frame["session_id"]}))
                    elif frame.get("type") == "message":
                        ids = [frame["message"]["id"]]
                    with self.lock:
                        for i in ids:
                            self.shown.setdefault(i, now)
            except Exception:
                pass
            finally:
                self.port = None
                try:
                    ws.close()
                except Exception:
                    pass
                time.sleep(0.02)


def owner_of(pg_psql):
    out = subprocess.run(pg_psql + ["-c", f"SELECT owner FROM tenant_leases WHERE tenant_id = '{TENANT}'"
                                    " AND owner IS NOT NULL AND expires_at > now()"],
                         capture_output=True, text=True).stdout.strip()
    return out or None


def measure(agent, instances, t0, run, deadline_s=30):
    """Posts a new message every 20 ms to a live instance until the agent is shown one posted after t0."""
    n = 0
    deadline = t0 + deadline_s
    posted = []
    while time.time() < deadline:
        live = [i for i in instances if i.alive()]
        event = f"{run}-{n}"
        n += 1
        try:
            if post_message(random.choice(live).port, event) in (200, 201, 202, 204):
                posted.append(event)
        except OSError:
            pass
        with agent.lock:
            seen = [agent.shown[e] for e in posted if e in agent.shown]
        if seen:
            return min(seen) - t0
        time.sleep(0.02)
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--routerd", required=True)
    ap.add_argument("--pg-url", required=True)
    ap.add_argument("--psql", required=True, help="psql command line for the database, space separated")
    ap.add_argument("--work", required=True)
    ap.add_argument("--instances", type=int, default=3)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--lease-ms", type=int, default=3000)
    a = ap.parse_args()
    psql = a.psql.split()
    config = os.path.join(a.work, "cluster.toml")
    write_config(config, a.pg_url, a.lease_ms)
    instances = [Instance(a.routerd, config, a.work, i + 1) for i in range(a.instances)]
    for i in instances:
        i.start()
    agent = Agent(instances)
    agent.start()
    failovers, handovers = [], []
    try:
        for k in range(a.kills):
            # A settled cluster: an owner, the agent connected to it and shown a message.
            settle = measure(agent, instances, time.time(), f"settle{k}", 60)
            if settle is None:
                raise RuntimeError("the cluster did not settle")
            owner = owner_of(psql)
            victim = next((i for i in instances if i.id == owner), None)
            if victim is None:
                raise RuntimeError(f"no owner found ({owner})")
            t0 = time.time()
            victim.kill()
            f = measure(agent, instances, t0, f"kill{k}")
            if f is None:
                raise RuntimeError(f"no failover within 30 s (kill {k})")
            failovers.append(f)
            print(f"kill {k + 1}: owner {victim.id} SIGKILLed, routed again after {f * 1000:.0f} ms", flush=True)
            victim.start()
            # If the restarted instance wins the tenant back, its owner hands it
            # over: wait for that and time it from the moment the lease moves.
            moved_at, deadline = None, time.time() + 3 * a.lease_ms / 1000 + 5
            before = owner_of(psql)
            while time.time() < deadline:
                now_owner = owner_of(psql)
                if now_owner != before:
                    moved_at = time.time()
                    break
                time.sleep(0.02)
            if moved_at is not None:
                h = measure(agent, instances, moved_at, f"hand{k}")
                if h is not None:
                    handovers.append(h)
                    print(f"        handed over to {victim.id}: routed again after {h * 1000:.0f} ms", flush=True)
    finally:
        agent.stop = True
        for i in instances:
            i.kill(signal.SIGTERM)
    def summary(name, xs):
        if not xs:
            return f"{name}: none"
        xs = sorted(xs)
        return (f"{name}: n={len(xs)} p50={statistics.median(xs) * 1000:.0f} ms "
                f"max={xs[-1] * 1000:.0f} ms min={xs[0] * 1000:.0f} ms")
    print(summary(f"failover after SIGKILL (lease {a.lease_ms} ms)", failovers))
    print(summary("handover to a restarted instance", handovers))
    return 0 if len(failovers) == a.kills else 1


if __name__ == "__main__":
    sys.exit(main())
