"""Redis restart under load: the server rides out a Redis crash and loses nothing it acked.

Producers post to one queue through a Marconi server whose store is a private redis-server
with appendfsync always. Mid-run the test kills Redis with SIGKILL, keeps it down for a
moment, and starts it again on the same data directory. Checked:
  * while Redis is down the server answers (503), never hangs: no request times out;
  * once Redis is back the server recovers by itself (posts are acked again);
  * every message acked with 201, before or after the crash, is still there at the end.
"""

import signal
import sys
import threading
import time
import uuid

from reliability_support import Client, E2E_DIR, ServerProcess

sys.path.insert(0, str(E2E_DIR.parent / "support"))
import redis_servers  # noqa: E402  (tests/support)

PRODUCERS = 3
WARMUP = 1.5     # seconds of load before the crash
OUTAGE = 1.5     # seconds Redis stays down
RECOVERY = 10.0  # seconds the server may take to ack again after Redis is back
AFTER = 1.5      # seconds of load after the first ack past the restart


class RedisBackedServer(ServerProcess):
    def __init__(self, workdir, redis_uri):
        super().__init__(workdir, workdir / "unused.db")
        self._redis_uri = redis_uri

    @property
    def storage_uri(self):
        return self._redis_uri


def test_server_survives_a_redis_crash_and_keeps_every_acked_message(tmp_path):
    redis = redis_servers.RedisServer(tmp_path).start()
    server = RedisBackedServer(tmp_path, redis.uri + "?prefix=restart").start()
    try:
        project = f"restart-{uuid.uuid4().hex[:8]}"
        queue = "jobs"
        lock = threading.Lock()
        acked, statuses, timeouts = [], [], []
        acked_after_restart = threading.Event()
        restarted = threading.Event()
        stop = threading.Event()

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
                            if restarted.is_set():
                                acked_after_restart.set()
                if r is None or r.status_code != 201:
                    time.sleep(0.05)

        threads = [threading.Thread(target=produce, args=(n,)) for n in range(PRODUCERS)]
        for t in threads:
            t.start()
        time.sleep(WARMUP)
        with lock:
            acked_before = len(acked)
        redis.stop(signal.SIGKILL)
        time.sleep(OUTAGE)
        redis.start()
        restarted.set()
        recovered = acked_after_restart.wait(RECOVERY)
        time.sleep(AFTER)
        stop.set()
        for t in threads:
            t.join()

        print(f"\nredis restart: {acked_before} acked before the crash, {len(acked)} in all, "
              f"{statuses.count(503)} answered 503 while Redis was down, "
              f"{len(timeouts)} timed out")
        assert acked_before > 0, "no post was acked before the crash"
        assert recovered, f"no post acked within {RECOVERY}s of Redis coming back"
        assert statuses.count(503) > 0, "Redis was down, yet no request was refused"
        assert set(statuses) <= {201, 503}, sorted(set(statuses))
        assert not timeouts, f"requests hung while Redis was down: {timeouts}"

        # Every acked message is still there (listed in post order, no duplicates).
        client = Client(server, project)
        tokens, marker = [], None
        while True:
            params = {"echo": "true", "limit": 20, **({"marker": marker} if marker else {})}
            r = client.must("GET", f"/v2/queues/{queue}/messages", params=params)
            assert r.status_code == 200, (r.status_code, r.text)
            page = r.json()["messages"]
            if not page:
                break
            tokens += [m["body"]["token"] for m in page]
            marker = r.json()["links"][0]["href"].split("marker=")[1].split("&")[0]
        lost = set(acked) - set(tokens)
        assert not lost, f"{len(lost)} acked messages lost, e.g. {sorted(lost)[:5]}"
        assert len(tokens) == len(set(tokens)), "a message was stored twice"
    finally:
        server.stop()
        redis.stop()
