#!/usr/bin/python3
"""Marconi load scenarios: one row per scenario, medians of N runs, targets marked pass/miss.

Run with Debian's interpreter (`make bench`, or /usr/bin/python3 bench/run_scenarios.py).
Everything runs on loopback and is started here: a fresh SQLite store (sync = full) in a temp
dir per scenario, the HTTP floor server, and with --with-zaqar a Redis server and Zaqar under
uwsgi. Every process started here is stopped at exit, on failure and on SIGINT/SIGTERM.
docs/performance.md explains the scenarios and how to read the table.
"""

import argparse
import http.client
import json
import math
import os
import platform
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

CONNECTIONS = 32          # client connections per scenario (the figure)
POST_BATCH_MAX = 20       # Zaqar's max_messages_per_page bounds a POST and a claim
LATENCY_TARGET_MS = 5.0   # p99 at 50% of peak

# Scenario targets from the performance issue.
TARGETS = {
    "post1": 40_000.0,       # msg/s
    "post10": 200_000.0,     # msg/s
    "claim": 30_000.0,       # msg/s deleted
    "observer": 300_000.0,   # msg/s listed
    "ping_ratio": 0.80,      # of the floor server's req/s
    "queues_rss_mb": 100.0,  # per 100,000 queues
}

ALL_SCENARIOS = ["ping", "post1", "post10", "claim", "observer", "mixed", "queues"]


# --------------------------------------------------------------------------------------------
# Processes: everything started here is registered, and stopped at exit whatever happens.
# --------------------------------------------------------------------------------------------

class ProcessRegistry:
    """The processes this script started. Each runs in its own session (process group) so
    uwsgi's forked workers can be stopped with their master; only these groups are signalled."""

    def __init__(self):
        self._procs = []
        self._lock = threading.Lock()

    def start(self, name, cmd, log_path, env=None, cwd=None, capture_stdout=False):
        log = open(log_path, "ab")
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if capture_stdout else log, stderr=log,
            env=env, cwd=cwd, start_new_session=True)
        proc.bench_name = name
        proc.bench_log = log_path
        with self._lock:
            self._procs.append(proc)
        return proc

    def stop(self, proc, timeout=10.0):
        if proc.poll() is None:
            try:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        # The group: uwsgi workers and routers that outlived their master.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        with self._lock:
            if proc in self._procs:
                self._procs.remove(proc)

    def stop_all(self):
        with self._lock:
            procs = list(reversed(self._procs))
        for proc in procs:
            self.stop(proc, timeout=5.0)


PROCS = ProcessRegistry()


def _on_signal(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def wait_for_line(proc, prefix, timeout):
    """The first stdout line of `proc` that starts with `prefix`; later output is drained to its
    log by a thread so the pipe never fills."""
    deadline = time.monotonic() + timeout
    buf = b""
    fd = proc.stdout.fileno()
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        ready, _, _ = select.select([fd], [], [], 0.1)
        if not ready:
            continue
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            text = line.decode(errors="replace").strip()
            if text.startswith(prefix):
                threading.Thread(target=_drain, args=(proc,), daemon=True).start()
                return text
    raise RuntimeError(f"{proc.bench_name} did not print '{prefix}...' within {timeout:.0f} s "
                       f"(exit code {proc.poll()}); log: {proc.bench_log}\n{tail(proc.bench_log)}")


def _drain(proc):
    try:
        with open(proc.bench_log, "ab") as log:
            for chunk in iter(lambda: proc.stdout.read1(4096), b""):
                log.write(chunk)
    except (OSError, ValueError):
        pass


def tail(path, lines=15):
    try:
        with open(path, "rb") as f:
            return b"".join(f.readlines()[-lines:]).decode(errors="replace")
    except OSError:
        return ""


def port_of(line):
    return int(line.rsplit(":", 1)[1])


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def process_tree(root_pid):
    """root_pid and all its descendants, from /proc."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


# --------------------------------------------------------------------------------------------
# Small HTTP helpers (setup checks and queue stats only; the load comes from marconi-bench).
# --------------------------------------------------------------------------------------------

CLIENT_ID = str(uuid.uuid4())


def http_call(port, method, path, body=None, project="bench", timeout=10.0):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Client-ID": CLIENT_ID, "X-Project-ID": project, "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        raw = resp.read()
        return resp.status, (json.loads(raw) if raw.strip() else None)
    finally:
        conn.close()


def free_messages(port, queue_names, project="bench"):
    total = 0
    for name in queue_names:
        status, doc = http_call(port, "GET", f"/v2/queues/{name}/stats", project=project)
        if status == 200:
            total += int(doc["messages"]["free"])
    return total


# --------------------------------------------------------------------------------------------
# Targets under test: Marconi (fresh store per scenario) and Zaqar (one instance per run).
# --------------------------------------------------------------------------------------------

def start_redis(name, port, directory, persistent):
    """A private redis-server on loopback; with `persistent`, AOF with appendfsync always, so a
    write Redis has acknowledged is on disk (Marconi's promise for a 201)."""
    persistence = (["--appendonly", "yes", "--appendfsync", "always"] if persistent
                   else ["--appendonly", "no"])
    proc = PROCS.start(name, [
        "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", directory,
        "--save", "", *persistence, "--daemonize", "no", "--protected-mode", "yes",
        "--logfile", ""], os.path.join(directory, "redis.log"))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(64).startswith(b"+PONG"):
                    return proc
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"redis-server did not answer on {port}\n{tail(proc.bench_log)}")


def redis_used_memory(port):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"INFO memory\r\n")
        data = b""
        while b"used_memory:" not in data or not data.endswith(b"\r\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    for line in data.decode(errors="replace").splitlines():
        if line.startswith("used_memory:"):
            return int(line.split(":")[1])
    return 0


class Marconi:
    name = "marconi"
    disk_label = "db + wal"

    def __init__(self, binary, workdir, workers, keep=False):
        self.binary, self.workdir, self.workers, self.keep = binary, workdir, workers, keep
        self.proc = None
        self.port = None
        self.generation = 0

    def start(self):
        """A new server over a new, empty store with durable defaults (sync = full)."""
        self.stop()
        self.generation += 1
        self.store_dir = os.path.join(self.workdir, f"marconi-{self.generation}")
        os.makedirs(self.store_dir, exist_ok=True)
        self.db_path = os.path.join(self.store_dir, "marconi.db")
        env = dict(os.environ, MARCONI_STORAGE_SYNC="full")
        cmd = [self.binary, "serve", "--port", "0", "--storage-uri", self.storage_uri(),
               "--log-level", "warn"]
        if self.workers:
            cmd += ["--workers", str(self.workers)]
        self.proc = PROCS.start("marconi", cmd, os.path.join(self.store_dir, "server.log"),
                                env=env, capture_stdout=True)
        self.port = port_of(wait_for_line(self.proc, "marconi listening on", 30))

    def storage_uri(self):
        return "sqlite:///" + self.db_path

    def stop(self):
        if self.proc:
            PROCS.stop(self.proc)
            self.proc = None
            if not self.keep:
                shutil.rmtree(self.store_dir, ignore_errors=True)

    def fresh(self):
        self.start()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def rss_kb(self):
        return rss_kb(self.proc.pid)

    def disk_bytes(self):
        total = 0
        for suffix in ("", "-wal"):
            try:
                total += os.path.getsize(self.db_path + suffix)
            except OSError:
                pass
        return total

    def log_tail(self):
        return tail(self.proc.bench_log) if self.proc else ""


class MarconiRedis(Marconi):
    """Marconi on a private redis-server (AOF, appendfsync always), fresh per scenario."""
    name = "marconi-redis"
    disk_label = "AOF"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.redis = None
        self.redis_port = None

    def storage_uri(self):
        self.redis_port = free_port()
        self.redis = start_redis("redis-server", self.redis_port, self.store_dir, persistent=True)
        return f"redis://127.0.0.1:{self.redis_port}"

    def stop(self):
        if self.redis:
            PROCS.stop(self.redis)  # after the server: ordering does not matter for a bench
            self.redis = None
        super().stop()

    def redis_used_memory(self):
        return redis_used_memory(self.redis_port)

    def disk_bytes(self):
        total = 0
        for root, _, files in os.walk(self.store_dir):
            total += sum(os.path.getsize(os.path.join(root, f)) for f in files
                         if f.startswith("appendonly"))
        return total


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "support"))
import postgres_servers  # noqa: E402  (tests/support: the same servers the tests start)


class MarconiPostgres(Marconi):
    """Marconi on a private PostgreSQL 15 (fsync, synchronous_commit on), fresh per scenario."""
    name = "marconi-postgres"
    disk_label = "queues table + indexes"
    schema = "bench"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pg = None

    def storage_uri(self):
        self.pg = postgres_servers.PostgresServer(self.store_dir).start()
        return f"{self.pg.uri}?schema={self.schema}"

    def stop(self):
        super().stop()  # the server first: it would log the database going away
        if self.pg:
            self.pg.remove()
            self.pg = None

    def disk_bytes(self):
        if not self.pg:
            return None
        return int(self.pg.psql(f"SELECT pg_total_relation_size('{self.schema}.queues')",
                                database="marconi"))


# Debian's python3-zaqar 15.0.0 ships the Redis driver without its two Lua scripts
# (zaqar/storage/redis/scripts/*.lua are missing from the package), so every POST of messages
# and every claim fails with 503. These are our own implementations of the two scripts'
# contracts, read from the callers in zaqar/storage/redis/{messages,claims}.py; the WSGI
# wrapper below makes the driver read them from the temp dir when the packaged file is absent.
ZAQAR_INDEX_MESSAGES_LUA = """\
-- KEYS[1]: the queue's message-id set, scored by rank; KEYS[2]: the queue's next rank.
-- ARGV[1]: how many ids follow; ARGV[2..]: new message ids in post order.
local count = tonumber(ARGV[1])
local rank = tonumber(redis.call('GET', KEYS[2]) or 1)
for i = 1, count do
    redis.call('ZADD', KEYS[1], rank + i - 1, ARGV[i + 1])
end
redis.call('SET', KEYS[2], rank + count)
return count
"""

ZAQAR_CLAIM_MESSAGES_LUA = """\
-- KEYS[1]: the queue's message-id set in rank order.
-- ARGV: now, limit, claim id, claim expiry, new message ttl, new message expiry.
-- Claims up to `limit` of the oldest messages with no live claim and returns their ids.
-- A message whose hash has expired away is dropped from the set as it is met.
local now, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
local claim_id, claim_expires = ARGV[3], tonumber(ARGV[4])
local msg_ttl, msg_expires = ARGV[5], tonumber(ARGV[6])
local claimed = {}
local offset, page = 0, 200
while #claimed < limit do
    local ids = redis.call('ZRANGE', KEYS[1], offset, offset + page - 1)
    if #ids == 0 then break end
    offset = offset + page
    local gone = {}
    for _, id in ipairs(ids) do
        local f = redis.call('HMGET', id, 'c', 'c.e', 'e')
        if f[3] == false then
            gone[#gone + 1] = id
        elseif f[1] == false or f[1] == '' or tonumber(f[2] or 0) <= now then
            redis.call('HSET', id, 'c', claim_id, 'c.e', claim_expires)
            if tonumber(f[3]) < claim_expires then
                redis.call('HSET', id, 't', msg_ttl, 'e', msg_expires)
            end
            claimed[#claimed + 1] = id
            if #claimed == limit then break end
        end
    end
    if #gone > 0 then
        redis.call('ZREM', KEYS[1], unpack(gone))
        offset = offset - #gone
    end
end
return claimed
"""

ZAQAR_WSGI_WRAPPER = """\
# Generated by bench/run_scenarios.py: Zaqar's WSGI app, with the Redis driver's Lua scripts
# read from beside this file when the installed package lacks them.
import os

from zaqar.storage.redis import scripting

_HERE = os.path.dirname(os.path.abspath(__file__))
_packaged = scripting._read_script


def _read_script(name):
    try:
        return _packaged(name)
    except FileNotFoundError:
        with open(os.path.join(_HERE, "lua", name + ".lua")) as f:
            return f.read()


scripting._read_script = _read_script

from zaqar.transport.wsgi.app import application  # noqa: E402
"""

ZAQAR_PACKAGES = ["zaqar-server", "redis-server", "uwsgi", "uwsgi-plugin-python3",
                  "python3-redis", "nginx"]

# nginx in front of uwsgi: the reference deployment. One worker process: the box is small and
# the Python processes are the bottleneck; `user root` because the temp dir is private.
NGINX_CONF = """\
daemon off;
master_process on;
user root root;
worker_processes {workers};
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {dir}/tmp/body;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    scgi_temp_path {dir}/tmp/scgi;
    keepalive_requests 100000000;
    keepalive_timeout 120s;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            include /etc/nginx/uwsgi_params;
            uwsgi_pass 127.0.0.1:{uwsgi_port};
        }}
    }}
}}
"""


def ensure_zaqar_installed():
    """apt-get installs whatever of ZAQAR_PACKAGES is missing; a no-op when all are there."""
    out = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${db:Status-Status}\\n"]
                         + ZAQAR_PACKAGES, capture_output=True, text=True)
    installed = {line.split()[0] for line in out.stdout.splitlines()
                 if line.endswith(" installed")}
    missing = [p for p in ZAQAR_PACKAGES if p not in installed]
    if not missing:
        return
    print(f"zaqar: installing {' '.join(missing)} with apt-get", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    cmd = sudo + ["apt-get", "install", "-y", "-q", "--no-install-recommends"] + missing
    if subprocess.run(cmd, env=env, timeout=1800).returncode != 0:
        subprocess.run(sudo + ["apt-get", "update", "-q"], env=env, check=True, timeout=600)
        subprocess.run(cmd, env=env, check=True, timeout=1800)


class Zaqar:
    """Zaqar 15 (Debian): nginx -> uwsgi with `processes` workers -> Redis message and
    management stores on a private redis-server without persistence (the reference setup:
    "nginx + uwsgi, 4 processes, Redis store"). One instance serves every scenario; each
    scenario uses its own queue names."""
    name = "zaqar"

    def __init__(self, workdir, processes):
        self.dir = os.path.join(workdir, "zaqar")
        self.processes = processes
        self.redis = self.uwsgi = self.nginx = None
        self.nginx_workers = 1
        self.port = None

    def start(self):
        os.makedirs(os.path.join(self.dir, "lua"), exist_ok=True)
        self.redis_port = free_port()
        self.redis = start_redis("redis-server", self.redis_port, self.dir, persistent=False)

        for name, text in (("index_messages", ZAQAR_INDEX_MESSAGES_LUA),
                           ("claim_messages", ZAQAR_CLAIM_MESSAGES_LUA)):
            with open(os.path.join(self.dir, "lua", name + ".lua"), "w") as f:
                f.write(text)
        with open(os.path.join(self.dir, "zaqar_bench_wsgi.py"), "w") as f:
            f.write(ZAQAR_WSGI_WRAPPER)
        self.port = free_port()
        conf = os.path.join(self.dir, "zaqar.conf")
        with open(conf, "w") as f:
            f.write(f"""[DEFAULT]
auth_strategy =
pooling = False
debug = False
log_dir = {self.dir}
log_file = zaqar.log

[drivers]
transport = wsgi
message_store = redis
management_store = redis

[drivers:message_store:redis]
uri = redis://127.0.0.1:{self.redis_port}

[drivers:management_store:redis]
uri = redis://127.0.0.1:{self.redis_port}

[drivers:transport:wsgi]
bind = 127.0.0.1
port = {self.port}
""")
        # uwsgi speaks its own protocol to nginx, which holds the clients' keep-alive
        # connections. (uwsgi's built-in HTTP router resets a kept-alive connection after a 204
        # with no Content-Length, so every other ping fails: hence nginx, as in the reference.)
        uwsgi_port = free_port()
        cmd = ["uwsgi", "--plugin", "python3", "--master",
               "--processes", str(self.processes), "--socket", f"127.0.0.1:{uwsgi_port}",
               "--listen", "1024", "--pythonpath", self.dir,
               "--module", "zaqar_bench_wsgi:application",
               "--pyargv", f"--config-file {conf}", "--lazy-apps", "--need-app",
               "--disable-logging", "--die-on-term"]
        self.uwsgi = PROCS.start("zaqar-uwsgi", cmd, os.path.join(self.dir, "uwsgi.log"),
                                 cwd=self.dir)
        ng = os.path.join(self.dir, "nginx")
        os.makedirs(os.path.join(ng, "tmp"), exist_ok=True)
        with open(os.path.join(ng, "nginx.conf"), "w") as f:
            f.write(NGINX_CONF.format(dir=ng, port=self.port, uwsgi_port=uwsgi_port,
                                      workers=self.nginx_workers))
        self.nginx = PROCS.start("nginx", ["nginx", "-c", os.path.join(ng, "nginx.conf"),
                                           "-p", ng], os.path.join(ng, "nginx.log"))
        self._wait_ready()
        self._smoke_test()

    def _wait_ready(self):
        # Four interpreters import Zaqar on a busy box: allow a minute.
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.uwsgi.poll() is not None or self.nginx.poll() is not None:
                break
            try:
                if http_call(self.port, "GET", "/v2/ping", timeout=2)[0] == 204:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError("Zaqar did not answer GET /v2/ping through nginx and uwsgi; logs: "
                           f"{self.uwsgi.bench_log}\n{tail(self.uwsgi.bench_log)}\n"
                           f"{self.nginx.bench_log}\n{tail(self.nginx.bench_log)}")

    def _smoke_test(self):
        """Ping, post, claim and delete once, so a broken setup fails here and not as a table
        of errors."""
        q = "zaqar-smoke"
        status, doc = http_call(self.port, "POST", f"/v2/queues/{q}/messages",
                                {"messages": [{"body": {"n": 1}, "ttl": 300}]})
        if status != 201:
            raise RuntimeError(f"Zaqar POST messages answered {status}: {doc}\n"
                               f"{tail(os.path.join(self.dir, 'zaqar.log'))}")
        status, doc = http_call(self.port, "POST", f"/v2/queues/{q}/claims?limit=10",
                                {"ttl": 60, "grace": 60})
        if status != 201 or not doc or not doc.get("messages"):
            raise RuntimeError(f"Zaqar POST claims answered {status}: {doc}\n"
                               f"{tail(os.path.join(self.dir, 'zaqar.log'))}")
        href = doc["messages"][0]["href"]
        status, _ = http_call(self.port, "DELETE", href)
        if status != 204:
            raise RuntimeError(f"Zaqar DELETE {href} answered {status}")

    def fresh(self):
        if not self.alive():
            raise RuntimeError("Zaqar stopped: " + tail(self.uwsgi.bench_log))

    def alive(self):
        return all(p is not None and p.poll() is None
                   for p in (self.uwsgi, self.nginx, self.redis))

    def rss_kb(self):
        """uwsgi master and workers, nginx and redis-server: everything holding state."""
        pids = process_tree(self.uwsgi.pid) + process_tree(self.nginx.pid) + [self.redis.pid]
        return sum(rss_kb(pid) for pid in pids)

    def redis_used_memory(self):
        return redis_used_memory(self.redis_port)

    def disk_bytes(self):
        return None  # no persistence: Redis memory is reported instead

    def stop(self):
        for proc in (self.nginx, self.uwsgi, self.redis):
            if proc:
                PROCS.stop(proc, timeout=15.0)
        self.nginx = self.uwsgi = self.redis = None

    def log_tail(self):
        return tail(self.uwsgi.bench_log) if self.uwsgi else ""


# --------------------------------------------------------------------------------------------
# marconi-bench runs
# --------------------------------------------------------------------------------------------

class Bench:
    def __init__(self, binary, threads, timeout_ms, log_path):
        self.binary, self.threads, self.timeout_ms = binary, threads, timeout_ms
        self.log_path = log_path

    def run(self, port, args, bound_s):
        """marconi-bench --json with `args`; its JSON object. Exit 1 (verification failed) still
        returns the object, marked; anything else raises."""
        cmd = [self.binary, "--url", f"http://127.0.0.1:{port}", "--json", "--quiet",
               "--threads", str(self.threads), "--timeout-ms", str(self.timeout_ms)] + args
        with open(self.log_path, "a") as log:
            log.write("$ " + " ".join(cmd) + "\n")
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=bound_s,
                                 start_new_session=True)
        except subprocess.TimeoutExpired as e:
            raise RuntimeError(f"marconi-bench ran past its {bound_s:.0f} s bound: "
                               f"{' '.join(cmd)}") from e
        with open(self.log_path, "a") as log:
            log.write(out.stderr)
        if out.returncode not in (0, 1) or not out.stdout.strip():
            raise RuntimeError(f"marconi-bench failed (exit {out.returncode}): {' '.join(cmd)}\n"
                               f"{out.stderr[-2000:]}")
        doc = json.loads(out.stdout)
        doc["_exit"] = out.returncode
        doc["_args"] = args
        return doc


def role(doc, name):
    return doc.get("roles", {}).get(name, {})


def worst_p99(doc):
    values = [r.get("p99_ms", 0.0) for r in doc.get("roles", {}).values() if r.get("requests")]
    return max(values) if values else float("nan")


def median(values):
    values = [v for v in values if v is not None and not math.isnan(v)]
    return statistics.median(values) if values else float("nan")


def spread(values):
    values = [v for v in values if v is not None and not math.isnan(v)]
    if len(values) < 2:
        return ""
    return f"{fmt_num(min(values))}–{fmt_num(max(values))}"


def fmt_num(v, digits=0):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if abs(v) >= 10_000:
        return f"{v / 1000:,.0f}k" if digits == 0 else f"{v:,.{digits}f}"
    if abs(v) >= 100 or digits == 0 and abs(v) >= 10:
        return f"{v:,.0f}"
    return f"{v:,.{max(digits, 1)}f}"


# --------------------------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------------------------

class Runner:
    def __init__(self, opts, bench, marconi, zaqar, floor_port, note):
        self.opts, self.bench, self.marconi, self.zaqar = opts, bench, marconi, zaqar
        self.floor_port = floor_port
        self.note = note  # progress printer
        self.raw = {}

    @property
    def duration(self):
        return self.opts.duration

    def bound(self, seconds):
        """How long a timed marconi-bench run may take before we give up on it."""
        return seconds + 60 + self.opts.timeout_ms / 1000.0

    def timed(self, target, args, duration=None):
        duration = duration or self.duration
        if not target.alive():
            raise RuntimeError(f"{target.name} is not running:\n{target.log_tail()}")
        doc = self.bench.run(target.port, ["--duration", str(duration)] + args,
                             self.bound(duration))
        return doc

    def fill(self, target, prefix, queues, want_free_per_queue, project="bench"):
        """Tops the queues prefix-0..Q-1 up to about `want_free_per_queue` free messages
        each, with POSTs of POST_BATCH_MAX messages on 32 connections."""
        names = [f"{prefix}-{i}" for i in range(queues)]
        have = free_messages(target.port, names, project)
        deficit = want_free_per_queue * queues - have
        if deficit <= 0:
            return have
        requests = max(1, math.ceil(deficit / POST_BATCH_MAX))
        # Bounded: even a slow server gets 200 requests/s of credit.
        bound = 120 + requests / 200.0
        self.note(f"    fill {target.name}: {deficit:,} messages into {queues} queue(s)")
        self.bench.run(target.port, [
            "--requests", str(requests), "--producers", str(min(CONNECTIONS, requests)),
            "--batch", str(POST_BATCH_MAX), "--queues", str(queues), "--queue-prefix", prefix,
            "--project", project], bound)
        return free_messages(target.port, names, project)

    # Each scenario returns {"value", "values", "p99_peak", "p99_half", "cpu_us", "notes",
    # "extra"} for one target; the table puts Marconi's and Zaqar's side by side.

    def load_scenario(self, target, key, args, metric, fill=None, rate_guess=None):
        """Peak runs, then runs at 50% of the median peak req/s; medians of each."""
        peaks, docs = [], []
        best_rate = rate_guess
        for i in range(self.opts.runs):
            if fill:
                fill(target, best_rate, self.duration)
            doc = self.timed(target, args)
            docs.append(doc)
            value = metric(doc)
            peaks.append(value)
            best_rate = max(best_rate or 0, value)
            self.note(f"    {target.name} {key} run {i + 1}: {fmt_num(value)} "
                      f"({fmt_num(doc['total']['req_per_s'])} req/s, p99 "
                      f"{worst_p99(doc):.2f} ms, cpu {doc.get('client_cpu_us_per_request', 0):.1f}"
                      f" µs/req{'' if doc['verification']['ok'] else ', VERIFICATION FAILED'})")
        peak_req = median([d["total"]["req_per_s"] for d in docs])
        half_docs = []
        if peak_req and peak_req > 0 and not math.isnan(peak_req):
            rate = max(1.0, round(peak_req * 0.5))
            for i in range(self.opts.runs):
                if fill:
                    fill(target, median(peaks) * 0.5, self.duration)
                doc = self.timed(target, args + ["--rate", str(rate)])
                half_docs.append(doc)
                self.note(f"    {target.name} {key} at {fmt_num(rate)} req/s (50%) run {i + 1}: "
                          f"p99 {worst_p99(doc):.2f} ms, achieved "
                          f"{fmt_num(doc['total']['req_per_s'])} req/s")
        self.raw.setdefault(key, {})[target.name] = {"peak": docs, "half": half_docs}
        notes = []
        failed = [d for d in docs + half_docs if not d["verification"]["ok"]]
        if failed:
            viol = failed[0]["verification"].get("violations", [])[:2]
            notes.append(f"verification failed in {len(failed)} run(s): {'; '.join(viol)}")
        errors = sum(d["total"]["errors"] for d in docs)
        if errors:
            notes.append(f"{errors:,} errors at peak")
        return {
            "value": median(peaks), "values": peaks,
            "p99_peak": median([worst_p99(d) for d in docs]),
            "p99_half": median([worst_p99(d) for d in half_docs]) if half_docs else float("nan"),
            "half_rate": round(peak_req * 0.5) if half_docs else None,
            "cpu_us": median([d.get("client_cpu_us_per_request") for d in docs]),
            "req_per_s": peak_req, "notes": notes, "docs": docs, "half_docs": half_docs,
        }

    # --- the scenarios -----------------------------------------------------------------------

    def ping(self, target):
        target.fresh()
        args = ["--pingers", str(CONNECTIONS)]
        floor_values = []

        def metric(doc):
            # The floor is measured beside each run, so both see the same machine load.
            floor = self.bench.run(self.floor_port, ["--duration", str(self.duration)] + args,
                                   self.bound(self.duration))
            floor_values.append(floor["total"]["req_per_s"])
            return doc["total"]["req_per_s"]

        r = self.load_scenario(target, "ping", args, metric)
        floor = median(floor_values)
        r["floor"] = floor
        r["ratio_to_floor"] = r["value"] / floor if floor else float("nan")
        r["notes"].insert(0, f"floor {fmt_num(floor)} req/s → {r['ratio_to_floor']:.0%} of floor")
        return r

    def post(self, target, batch):
        target.fresh()
        key = f"post{batch}"
        args = ["--producers", str(CONNECTIONS), "--batch", str(batch), "--queues", "4",
                "--queue-prefix", f"{key}-{target.generation_tag()}"]
        return self.load_scenario(target, key, args, lambda d: role(d, "producer")["msg_per_s"])

    def claim(self, target):
        target.fresh()
        prefix = f"claim-{target.generation_tag()}"
        queues = 4
        args = ["--workers", str(CONNECTIONS), "--queues", str(queues), "--queue-prefix", prefix,
                "--claim-limit", "10", "--claim-ttl", "60", "--claim-grace", "60"]
        guess = TARGETS["claim"] if target.name.startswith("marconi") else 3000.0
        drained = []

        def fill(t, rate, duration):
            want = (rate or guess) * duration * 1.3 / queues
            self.fill(t, prefix, queues, min(int(want) + 1, self.opts.max_fill // queues))

        def metric(doc):
            w = role(doc, "worker")
            if w.get("idle_polls", 0) > w.get("requests", 0) * 0.01:
                drained.append(True)
            return w["msg_per_s"]

        r = self.load_scenario(target, "claim", args, metric, fill=fill, rate_guess=guess)
        if drained:
            r["notes"].append("queues ran dry in some runs (idle polls): a lower bound")
        return r

    def observer(self, target):
        target.fresh()
        prefix = f"observe-{target.generation_tag()}"
        guess = TARGETS["observer"] if target.name.startswith("marconi") else 20_000.0
        reached_end = []

        def fill(t, rate, duration):
            # Every observer pages through the whole queue from its start on its own.
            want = (rate or guess) * duration * 1.2 / CONNECTIONS
            self.fill(t, prefix, 1, min(int(want) + 1, self.opts.max_fill))

        def metric(doc):
            o = role(doc, "observer")
            if o.get("idle_polls", 0) > o.get("requests", 0) * 0.01:
                reached_end.append(True)
            return o["msg_per_s"]

        args = ["--observers", str(CONNECTIONS), "--queues", "1", "--queue-prefix", prefix,
                "--observer-limit", "20"]
        r = self.load_scenario(target, "observer", args, metric, fill=fill, rate_guess=guess)
        if reached_end:
            r["notes"].append("observers reached the end of the queue: a lower bound")
        return r

    def mixed(self, target):
        target.fresh()
        prefix = f"mixed-{target.generation_tag()}"
        args = ["--producers", "12", "--workers", "16", "--observers", "4", "--queues", "4",
                "--queue-prefix", prefix, "--batch", "1", "--claim-limit", "10"]
        r = self.load_scenario(target, "mixed", args, lambda d: d["total"]["req_per_s"])
        last = r["docs"]
        r["notes"].insert(0, "msg/s: produced {} / deleted {} / listed {}".format(
            fmt_num(median([role(d, "producer").get("msg_per_s") for d in last])),
            fmt_num(median([role(d, "worker").get("msg_per_s") for d in last])),
            fmt_num(median([role(d, "observer").get("msg_per_s") for d in last]))))
        return r

    def queues(self, target):
        target.fresh()
        n = self.opts.populate_queues
        prefix = f"many-{target.generation_tag()}"
        time.sleep(1.0)
        rss_before = target.rss_kb()
        disk_before = target.disk_bytes()
        mem_before = target.redis_used_memory() if hasattr(target, "redis_used_memory") else None
        # Bounded: 100 queues/s of credit (each is a PUT and a POST).
        doc = self.bench.run(target.port, ["--populate-queues", str(n),
                                           "--producers", str(CONNECTIONS),
                                           "--queue-prefix", prefix], 300 + n / 100.0)
        time.sleep(1.0)
        rss_after = target.rss_kb()
        disk_after = target.disk_bytes()
        self.raw.setdefault("queues", {})[target.name] = {"populate": doc}
        rss_delta_mb = (rss_after - rss_before) / 1024.0
        rate = n / doc["duration_s"] if doc.get("duration_s") else float("nan")
        notes = [f"{n:,} queues (PUT + POST 1 msg each) at {fmt_num(rate)} queues/s"]
        per_queue = None
        if disk_before is not None and disk_after is not None:
            per_queue = (disk_after - disk_before) / n
            notes.append(f"disk {per_queue:,.0f} B/queue ({target.disk_label})")
        if mem_before is not None:
            per_queue = (target.redis_used_memory() - mem_before) / n
            notes.append(f"redis used_memory {per_queue:,.0f} B/queue")
        if doc["total"]["errors"]:
            notes.append(f"{doc['total']['errors']:,} errors")
        self.note(f"    {target.name} queues: RSS +{rss_delta_mb:.1f} MB, " + "; ".join(notes))
        return {"value": rss_delta_mb, "values": [rss_delta_mb], "p99_peak": worst_p99(doc),
                "p99_half": float("nan"), "cpu_us": doc.get("client_cpu_us_per_request"),
                "req_per_s": doc["total"]["req_per_s"], "rate": rate,
                "bytes_per_queue": per_queue, "notes": notes, "docs": [doc]}


def _generation_tag(self):
    return f"g{getattr(self, 'generation', 0)}"


Marconi.generation_tag = _generation_tag
Zaqar.generation_tag = lambda self: "z"


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------

SCENARIO_INFO = {
    # key: (label, metric unit, target text, pass test on Marconi's result)
    "ping": ("ping, 32 conns", "req/s", "≥ 80% of floor",
             lambda r, o: r["ratio_to_floor"] >= TARGETS["ping_ratio"]),
    "post1": ("post 1 msg/req, 32 producers", "msg/s", "≥ 40,000",
              lambda r, o: r["value"] >= TARGETS["post1"]),
    "post10": ("post 10 msg/req, 32 producers", "msg/s", "≥ 200,000",
               lambda r, o: r["value"] >= TARGETS["post10"]),
    "claim": ("claim 10 + delete, 32 workers / 4 q", "msg/s", "≥ 30,000",
              lambda r, o: r["value"] >= TARGETS["claim"]),
    "observer": ("observer list 20, 32 conns / 1 q", "msg/s", "≥ 300,000",
                 lambda r, o: r["value"] >= TARGETS["observer"]),
    "mixed": ("mixed 12 prod + 16 work + 4 obs / 4 q", "req/s", "—", None),
    "queues": ("{n} queues", "MB RSS", "≤ {mb} MB", None),
}


def queue_target_mb(n):
    return TARGETS["queues_rss_mb"] * n / 100_000


class ExtraStore:
    """A store Marconi also runs every scenario on, beside SQLite: its option, target class
    and report columns."""

    def __init__(self, option, key, target_class, column, p99_column, description):
        self.option, self.key, self.target_class = option, key, target_class
        self.target = target_class.name
        self.column, self.p99_column, self.description = column, p99_column, description


EXTRA_STORES = [
    ExtraStore("with_redis", "redis", MarconiRedis, "on Redis", "R p99@50%",
               "'on Redis': Marconi on a fresh redis-server per scenario, AOF with appendfsync "
               "always"),
    ExtraStore("with_postgres", "postgres", MarconiPostgres, "on PostgreSQL", "P p99@50%",
               "'on PostgreSQL': Marconi on a fresh PostgreSQL 15 per scenario, fsync and "
               "synchronous_commit on"),
]


def build_rows(results, opts):
    rows = []
    for key in opts.scenarios:
        if key not in results:
            continue
        m = results[key].get("marconi")
        z = results[key].get("zaqar")
        label, unit, target_text, test = SCENARIO_INFO[key]
        if key == "queues":
            label = label.format(n=f"{opts.populate_queues:,}")
            mb = queue_target_mb(opts.populate_queues)
            target_text = target_text.format(mb=fmt_num(mb, 0 if mb >= 10 else 1))
            test = (lambda r, o, mb=mb: r["value"] <= mb)
        row = {"scenario": key, "label": label, "unit": unit, "target": target_text}
        if m:
            row.update({
                "marconi": m["value"], "spread": spread(m["values"]),
                "result": ("pass" if test(m, opts) else "MISS") if test else "—",
                "p99_peak_ms": m["p99_peak"], "p99_half_ms": m["p99_half"],
                "half_rate": m.get("half_rate"),
                "p99_result": ("—" if math.isnan(m["p99_half"]) else
                               "pass" if m["p99_half"] <= LATENCY_TARGET_MS else "MISS"),
                "cpu_us_per_req": m["cpu_us"], "notes": list(m["notes"]),
            })
            for extra in ("floor", "ratio_to_floor", "rate", "bytes_per_queue"):
                if extra in m:
                    row[extra] = m[extra]
        for store in EXTRA_STORES:
            r = results[key].get(store.target)
            if r:
                row[store.key] = r["value"]
                row[store.key + "_p99_half_ms"] = r["p99_half"]
                row.setdefault("notes", []).extend(f"{store.key}: " + n for n in r["notes"])
        if z:
            row["zaqar"] = z["value"]
            row["zaqar_p99_half_ms"] = z["p99_half"]
            if m and z["value"]:
                row["marconi_over_zaqar"] = m["value"] / z["value"]
            row.setdefault("notes", []).extend("zaqar: " + n for n in z["notes"])
        rows.append(row)
    return rows


def print_table(rows, with_zaqar, stores=(), out=sys.stdout):
    """`stores`: the EXTRA_STORES Marconi also ran on, a column pair each."""
    headers = ["Scenario", "Unit", "Marconi", "spread", "Target", "", "p99 peak", "p99 @50%",
               "≤5ms", "cli µs/req"]
    for store in stores:
        headers += [store.column, store.p99_column]
    if with_zaqar:
        headers += ["Zaqar", "M/Z", "Z p99@50%"]
    headers += ["Notes"]
    table = []
    for r in rows:
        line = [r["label"], r["unit"], fmt_num(r.get("marconi"), 1 if r["unit"] == "MB RSS" else 0),
                r.get("spread", ""), r["target"], r.get("result", ""),
                fmt_ms(r.get("p99_peak_ms")), fmt_ms(r.get("p99_half_ms")),
                r.get("p99_result", ""), fmt_num(r.get("cpu_us_per_req"), 1)]
        for store in stores:
            line += [fmt_num(r.get(store.key), 1 if r["unit"] == "MB RSS" else 0),
                     fmt_ms(r.get(store.key + "_p99_half_ms"))]
        if with_zaqar:
            ratio = r.get("marconi_over_zaqar")
            line += [fmt_num(r.get("zaqar"), 1 if r["unit"] == "MB RSS" else 0),
                     f"{ratio:.1f}×" if ratio else "—", fmt_ms(r.get("zaqar_p99_half_ms"))]
        line.append("; ".join(r.get("notes", [])))
        table.append(line)
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *table)]
    widths[-1] = len(headers[-1])  # notes run on freely
    fmt_line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()
    print(fmt_line(headers), file=out)
    print(fmt_line(["-" * w for w in widths]), file=out)
    for line in table:
        print(fmt_line(line), file=out)


def fmt_ms(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    return f"{v:.2f} ms"


def fsync_ms(directory, count=50):
    """Median time of a 4 KB write + fsync in `directory`: the floor under every durable
    write (a group commit costs at least one), so write targets are read against it."""
    path = os.path.join(directory, "fsync-probe")
    times = []
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    try:
        for _ in range(count):
            t = time.perf_counter()
            os.write(fd, b"x" * 4096)
            os.fsync(fd)
            times.append((time.perf_counter() - t) * 1000)
    finally:
        os.close(fd)
        os.unlink(path)
    return statistics.median(times)


def machine_info():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open("/proc/meminfo") as f:
            mem_kb = int(f.readline().split()[1])
    except (OSError, ValueError, IndexError):
        mem_kb = 0
    return {"nproc": os.cpu_count(), "cpu": model, "kernel": platform.release(),
            "memory_gb": round(mem_kb / 1024 / 1024, 1), "loadavg_at_start": os.getloadavg()}


# --------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------

def parse_args(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build-dir", default=os.path.join(repo, "build"),
                   help="where marconi, marconi-bench and floor-server were built (default build/)")
    p.add_argument("--marconi", help="marconi binary (default BUILD/src/app/marconi)")
    p.add_argument("--bench", help="marconi-bench binary (default BUILD/tools/bench/marconi-bench)")
    p.add_argument("--floor", help="floor-server binary (default BUILD/tools/bench/floor-server)")
    p.add_argument("--runs", type=int, default=3, help="runs per scenario; medians (default 3)")
    p.add_argument("--duration", type=float, default=10.0, help="seconds per run (default 10)")
    p.add_argument("--populate-queues", type=int, default=100_000,
                   help="queues for the many-queues scenario (default 100000)")
    p.add_argument("--quick", action="store_true",
                   help="smoke test: 1 run x 2 s per scenario, 10,000 queues")
    p.add_argument("--scenarios", default=",".join(ALL_SCENARIOS),
                   help=f"comma-separated subset of {','.join(ALL_SCENARIOS)}")
    p.add_argument("--with-zaqar", action="store_true",
                   help="also run every scenario against Zaqar 15 (Debian) on uwsgi + Redis, "
                        "installing it with apt-get if missing")
    p.add_argument("--zaqar-only", action="store_true", help="skip Marconi (implies --with-zaqar)")
    p.add_argument("--with-redis", action="store_true",
                   help="also run every scenario on Marconi over a private Redis (AOF, fsync "
                        "always), next to Marconi on SQLite")
    p.add_argument("--with-postgres", action="store_true",
                   help="also run every scenario on Marconi over a private PostgreSQL 15 (fsync, "
                        "synchronous_commit on), next to Marconi on SQLite")
    p.add_argument("--zaqar-processes", type=int, default=4, help="uwsgi processes (default 4)")
    p.add_argument("--server-workers", type=int, default=0,
                   help="marconi --workers and floor-server --threads (default: one per core)")
    p.add_argument("--client-threads", type=int, default=1, help="marconi-bench --threads")
    p.add_argument("--timeout-ms", type=int, default=10_000, help="per-request timeout")
    p.add_argument("--max-fill", type=int, default=600_000,
                   help="most messages pre-filled into a scenario's queues (default 600000)")
    p.add_argument("--json", metavar="FILE", help="also write rows, machine and raw runs here")
    p.add_argument("--keep", action="store_true", help="keep the temp dir (logs, stores)")
    opts = p.parse_args(argv)
    if opts.quick:
        opts.runs, opts.duration = 1, 2.0
        if opts.populate_queues == 100_000:
            opts.populate_queues = 10_000
    if opts.zaqar_only:
        opts.with_zaqar = True
    opts.scenarios = [s.strip() for s in opts.scenarios.split(",") if s.strip()]
    unknown = [s for s in opts.scenarios if s not in ALL_SCENARIOS]
    if unknown:
        p.error(f"unknown scenario(s) {unknown}; choose from {ALL_SCENARIOS}")
    if opts.runs < 1 or opts.duration <= 0 or opts.duration > 600:
        p.error("--runs must be >= 1 and --duration in (0, 600]")
    bd = os.path.abspath(opts.build_dir)
    opts.marconi = opts.marconi or os.path.join(bd, "src/app/marconi")
    opts.bench = opts.bench or os.path.join(bd, "tools/bench/marconi-bench")
    opts.floor = opts.floor or os.path.join(bd, "tools/bench/floor-server")
    for name in ("marconi", "bench", "floor"):
        path = getattr(opts, name)
        if not os.access(path, os.X_OK):
            p.error(f"{path} is missing: build it first (make build, or --build-dir)")
    return opts


def main(argv):
    opts = parse_args(argv)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    workdir = tempfile.mkdtemp(prefix="marconi-bench-")
    started = time.monotonic()

    def note(text):
        print(f"[{time.monotonic() - started:6.1f}s] {text}", file=sys.stderr, flush=True)

    machine = machine_info()
    machine["fsync_ms"] = round(fsync_ms(workdir), 3)
    print(f"Machine: {machine['nproc']} CPUs, {machine['cpu']}, kernel {machine['kernel']}, "
          f"{machine['memory_gb']} GB RAM, load average at start "
          f"{' '.join(f'{x:.2f}' for x in machine['loadavg_at_start'])}")
    print(f"Disk: 4 KB write + fsync in {os.path.dirname(workdir)} takes {machine['fsync_ms']:.2f} ms "
          f"(median): at most ~{CONNECTIONS / machine['fsync_ms'] * 1000:,.0f} durable write "
          f"requests/s from {CONNECTIONS} connections, whatever the server does")
    print(f"Runs: {opts.runs} x {opts.duration:g} s per scenario (medians), {CONNECTIONS} client "
          f"connections, marconi-bench --threads {opts.client_threads}, server workers "
          f"{opts.server_workers or 'one per core'}; Marconi on SQLite, sync = full, fresh store "
          f"per scenario" + "".join("; " + store.description for store in EXTRA_STORES
                                    if getattr(opts, store.option)), flush=True)

    results = {}
    exit_code = 0
    zaqar = None
    marconi = Marconi(opts.marconi, workdir, opts.server_workers, keep=opts.keep)
    try:
        floor_cmd = [opts.floor, "--port", "0"]
        if opts.server_workers:
            floor_cmd += ["--threads", str(opts.server_workers)]
        floor = PROCS.start("floor-server", floor_cmd, os.path.join(workdir, "floor.log"),
                            capture_stdout=True)
        floor_port = port_of(wait_for_line(floor, "floor listening on", 15))
        bench = Bench(opts.bench, opts.client_threads, opts.timeout_ms,
                      os.path.join(workdir, "bench.log"))
        if opts.with_zaqar:
            ensure_zaqar_installed()
            zaqar = Zaqar(workdir, opts.zaqar_processes)
            note(f"starting Zaqar: nginx + uwsgi ({opts.zaqar_processes} processes) + Redis")
            zaqar.start()
            note(f"Zaqar answers ping, post, claim and delete on 127.0.0.1:{zaqar.port}")
        runner = Runner(opts, bench, marconi, zaqar, floor_port, note)
        extra = [] if opts.zaqar_only else [
            store.target_class(opts.marconi, workdir, opts.server_workers, keep=opts.keep)
            for store in EXTRA_STORES if getattr(opts, store.option)]
        targets = ([] if opts.zaqar_only else [marconi]) + extra + ([zaqar] if zaqar else [])
        for key in opts.scenarios:
            for target in targets:
                note(f"{key} on {target.name}")
                fn = {"ping": runner.ping, "post1": lambda t: runner.post(t, 1),
                      "post10": lambda t: runner.post(t, 10), "claim": runner.claim,
                      "observer": runner.observer, "mixed": runner.mixed,
                      "queues": runner.queues}[key]
                try:
                    results.setdefault(key, {})[target.name] = fn(target)
                except RuntimeError as e:
                    exit_code = 1
                    note(f"{key} on {target.name} FAILED: {e}")
            marconi.stop()
            for target in extra:
                target.stop()
    except KeyboardInterrupt as e:
        exit_code = 130
        print(f"interrupted ({e}); stopping servers", file=sys.stderr)
    finally:
        PROCS.stop_all()

    rows = build_rows(results, opts)
    print()
    print_table(rows, opts.with_zaqar,
                [store for store in EXTRA_STORES if getattr(opts, store.option)])
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump({"machine": machine,
                       "config": {k: v for k, v in vars(opts).items()},
                       "targets": TARGETS, "rows": rows,
                       "raw": {k: {t: {kk: vv for kk, vv in r.items()
                                       if kk not in ("docs", "half_docs")}
                                   | {"bench_peak": r.get("docs"),
                                      "bench_half": r.get("half_docs", [])}
                                   for t, r in v.items()} for k, v in results.items()}},
                      f, indent=1, default=str)
        print(f"\nJSON written to {opts.json}")
    if opts.keep or exit_code:
        print(f"logs and stores kept in {workdir}", file=sys.stderr)
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
