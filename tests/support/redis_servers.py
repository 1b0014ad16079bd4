#!/usr/bin/env python3
"""Real Redis servers for the tests, on loopback in a private directory.

    redis_servers.py start DIR   starts a standalone redis-server, a 3-master Redis Cluster and
                                 a Sentinel group (master, replica, sentinel), writes
                                 DIR/standalone.uri, DIR/cluster.uri and DIR/sentinel.uri, and
                                 returns
    redis_servers.py stop DIR    stops everything `start DIR` started

ctest runs these as fixture setup/cleanup around the storage contract suite; the e2e tests use
the same functions from Python. Nothing here touches a Redis that the tests did not start.
"""

import os
import pathlib
import random
import signal
import subprocess
import sys
import time

import server_fixture
from server_fixture import port_is_free

START_TIMEOUT = 20.0
CLUSTER_MASTERS = 3


def free_port():
    """A free port whose cluster-bus twin (port + 10000) is free too."""
    for _ in range(200):
        port = random.randint(20000, 29999)
        if port_is_free(port) and port_is_free(port + 10000):
            return port
    raise RuntimeError("no free port pair for redis-server")


def cli(port, *args, check=True):
    out = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(port), *args],
                         capture_output=True, text=True, timeout=30)
    if check and out.returncode != 0:
        raise RuntimeError(f"redis-cli -p {port} {' '.join(args)}: {out.stderr or out.stdout}")
    return out.stdout.strip()


def wait_until(predicate, what):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except (RuntimeError, subprocess.SubprocessError):
            pass
        time.sleep(0.05)
    raise RuntimeError(f"timed out waiting for {what}")


class RedisServer:
    """One redis-server process; AOF on, so a restart keeps acknowledged writes."""

    def __init__(self, workdir, port=None, cluster=False, replica_of=None):
        self.port = port or free_port()
        self.dir = pathlib.Path(workdir) / f"redis-{self.port}"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.cluster = cluster
        self.replica_of = replica_of
        self.proc = None

    def start(self):
        args = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port),
                "--dir", str(self.dir), "--save", "", "--appendonly", "yes",
                "--appendfsync", "always", "--logfile", str(self.dir / "redis.log")]
        if self.cluster:
            args += ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                     "--cluster-node-timeout", "2000"]
        if self.replica_of:
            args += ["--replicaof", "127.0.0.1", str(self.replica_of)]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        wait_until(lambda: cli(self.port, "PING") == "PONG", f"redis-server on {self.port}")
        return self

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def restart(self):
        self.stop()
        return self.start()

    @property
    def uri(self):
        return f"redis://127.0.0.1:{self.port}"


def start_cluster(workdir):
    nodes = [RedisServer(workdir, cluster=True).start() for _ in range(CLUSTER_MASTERS)]
    addresses = [f"127.0.0.1:{n.port}" for n in nodes]
    cli(nodes[0].port, "--cluster", "create", *addresses, "--cluster-replicas", "0",
        "--cluster-yes")
    for n in nodes:
        wait_until(lambda n=n: "cluster_state:ok" in cli(n.port, "CLUSTER", "INFO"),
                   f"cluster state ok on {n.port}")
    return nodes, "redis+cluster://" + ",".join(addresses)


SENTINEL_MASTER = "marconi"


class Sentinel:
    """One redis-server in sentinel mode watching one master (quorum 1), quick to fail over."""

    def __init__(self, workdir, master_port):
        self.port = free_port()
        self.dir = pathlib.Path(workdir) / f"sentinel-{self.port}"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.master_port = master_port
        self.proc = None

    def start(self):
        conf = self.dir / "sentinel.conf"  # sentinel rewrites its config: a file of its own
        conf.write_text(
            f"port {self.port}\nbind 127.0.0.1\ndir {self.dir}\n"
            f"logfile {self.dir / 'sentinel.log'}\n"
            f"sentinel monitor {SENTINEL_MASTER} 127.0.0.1 {self.master_port} 1\n"
            f"sentinel down-after-milliseconds {SENTINEL_MASTER} 1000\n"
            f"sentinel failover-timeout {SENTINEL_MASTER} 5000\n")
        self.proc = subprocess.Popen(["redis-server", str(conf), "--sentinel"],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        wait_until(lambda: cli(self.port, "SENTINEL", "get-master-addr-by-name",
                               SENTINEL_MASTER).split() == ["127.0.0.1", str(self.master_port)],
                   f"sentinel on {self.port}")
        return self

    def master_port_now(self):
        return int(cli(self.port, "SENTINEL", "get-master-addr-by-name",
                       SENTINEL_MASTER).split()[1])

    def stop(self, sig=signal.SIGTERM):
        RedisServer.stop(self, sig)

    @property
    def uri(self):
        return f"redis+sentinel://127.0.0.1:{self.port}/{SENTINEL_MASTER}"


def start_sentinel_group(workdir):
    """A master, its replica (in sync before this returns) and a sentinel watching them."""
    master = RedisServer(workdir).start()
    replica = RedisServer(workdir, replica_of=master.port).start()
    wait_until(lambda: "master_link_status:up" in cli(replica.port, "INFO", "replication"),
               "the replica to sync")
    sentinel = Sentinel(workdir, master.port).start()
    return master, replica, sentinel


def start_all(workdir):
    workdir = pathlib.Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    standalone = RedisServer(workdir).start()
    nodes, cluster_uri = start_cluster(workdir)
    sentinel_group = start_sentinel_group(workdir)
    (workdir / "pids").write_text(
        "\n".join(str(s.proc.pid) for s in [standalone, *nodes, *sentinel_group]) + "\n")
    (workdir / "standalone.uri").write_text(standalone.uri + "\n")
    (workdir / "cluster.uri").write_text(cluster_uri + "\n")
    (workdir / "sentinel.uri").write_text(sentinel_group[2].uri + "\n")


def stop_all(workdir):
    pids = pathlib.Path(workdir) / "pids"
    if not pids.exists():
        return
    for line in pids.read_text().split():
        try:
            os.kill(int(line), signal.SIGTERM)
        except ProcessLookupError:
            pass
    pids.unlink()


if __name__ == "__main__":
    sys.exit(server_fixture.main(sys.argv, __doc__, start_all, stop_all))
