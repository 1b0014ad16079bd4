"""Redis outages under load: the server rides them out and loses nothing it acked.

Producers post to one queue through a Marconi server on Redis while the test breaks Redis:
  * restart: SIGKILL a standalone redis-server (AOF, appendfsync always), keep it down for a
    moment, start it again on the same data directory;
  * failover: SIGKILL the master of a Sentinel group; the sentinel promotes the replica, and
    the server (redis+sentinel://, wait_replicas=1) follows it.
Checked each time:
  * while Redis is down the server answers (503), never hangs: no request times out;
  * the server recovers by itself (posts are acked again);
  * every message acked with 201, before or after the outage, is still there at the end.
"""

import signal
import sys
import threading
import time
import uuid

from reliability_support import Client, E2E_DIR, ServerProcess, listed_tokens, wait_until

sys.path.insert(0, str(E2E_DIR.parent / "support"))
import redis_servers  # noqa: E402  (tests/support)

PRODUCERS = 3
WARMUP = 1.5     # seconds of load before the outage
RECOVERY = 20.0  # seconds the server may take to ack again after Redis is back
AFTER = 1.5      # seconds of load after the first ack past the outage


class RedisBackedServer(ServerProcess):
    def __init__(self, workdir, redis_uri):
        super().__init__(workdir, workdir / "unused.db")
        self._redis_uri = redis_uri

    @property
    def storage_uri(self):
        return self._redis_uri


def load_through_outage(server, break_redis, restore_redis):
    """Posts from PRODUCERS threads while break_redis() and restore_redis() run; returns what
    the clients were told."""
    project, queue = f"outage-{uuid.uuid4().hex[:8]}", "jobs"
    lock = threading.Lock()
    acked, statuses, timeouts = [], [], []
    acked_after, restored, stop = threading.Event(), threading.Event(), threading.Event()

    def produce(n):
        client = Client(server, project, timeout=8.0)
        seq = 0
        while not stop.is_set():
            token = f"p{n}-{seq}"
            seq += 1
            started = time.monotonic()
            r = client.call("POST", f"/v2/queues/{queue}/messages",
                            json={"messages": [{"body": {"token": token}, "ttl": 3600}]})
            with lock:
                if r is None:
                    timeouts.append(time.monotonic() - started)
                else:
                    statuses.append(r.status_code)
                    if r.status_code == 201:
                        acked.append(token)
                        if restored.is_set():
                            acked_after.set()
            if r is None or r.status_code != 201:
                time.sleep(0.05)

    threads = [threading.Thread(target=produce, args=(n,)) for n in range(PRODUCERS)]
    for t in threads:
        t.start()
    try:
        time.sleep(WARMUP)  # load before the outage: a duration under test, not a wait
        with lock:
            acked_before = len(acked)
        break_redis()
        restore_redis()
        restored.set()
        recovered = acked_after.wait(RECOVERY)
        time.sleep(AFTER)  # load after recovery: a duration under test
    finally:
        stop.set()
        for t in threads:
            t.join()
    stored = listed_tokens(server, project, queue)
    return dict(acked=acked, acked_before=acked_before, statuses=statuses, timeouts=timeouts,
                recovered=recovered, stored=stored)


def check(outcome, what):
    statuses = outcome["statuses"]
    print(f"\n{what}: {outcome['acked_before']} acked before, {len(outcome['acked'])} in all, "
          f"{statuses.count(503)} answered 503 during the outage, "
          f"{len(outcome['timeouts'])} timed out")
    assert outcome["acked_before"] > 0, "no post was acked before the outage"
    assert outcome["recovered"], f"no post acked within {RECOVERY}s of Redis coming back"
    assert statuses.count(503) > 0, "Redis was down, yet no request was refused"
    assert set(statuses) <= {201, 503}, sorted(set(statuses))
    assert not outcome["timeouts"], f"requests hung: {outcome['timeouts']}"
    stored = outcome["stored"]
    lost = set(outcome["acked"]) - set(stored)
    assert not lost, f"{len(lost)} acked messages lost, e.g. {sorted(lost)[:5]}"
    assert len(stored) == len(set(stored)), "a message was stored twice"


def test_a_redis_crash_and_restart_loses_no_acked_message(tmp_path):
    redis = redis_servers.RedisServer(tmp_path).start()
    server = RedisBackedServer(tmp_path, redis.uri + "?prefix=restart").start()
    try:
        outcome = load_through_outage(server, lambda: redis.stop(signal.SIGKILL),
                                      # the outage lasts 1.5 s
                                      lambda: (time.sleep(1.5), redis.start()))
        check(outcome, "redis restart")
    finally:
        server.stop()
        redis.stop()


def test_a_sentinel_failover_loses_no_acked_message(tmp_path):
    master, replica, sentinel = redis_servers.start_sentinel_group(tmp_path)
    server = RedisBackedServer(tmp_path, sentinel.uri + "?prefix=failover&wait_replicas=1").start()

    def promoted():
        wait_until(lambda: sentinel.master_port_now() == replica.port, RECOVERY,
                   "the sentinel's promotion of the replica", pace=0.1)

    try:
        # Only the replica is left, so wait_replicas=1 cannot be met until the old master is
        # back as a replica of the new one: bring it back, and acks resume.
        outcome = load_through_outage(server, lambda: master.stop(signal.SIGKILL),
                                      lambda: (promoted(), master.start()))
        check(outcome, "sentinel failover")
        assert sentinel.master_port_now() == replica.port
    finally:
        server.stop()
        for proc in (sentinel, master, replica):
            proc.stop()
