"""Soak: a bounded mixed load, while the server's memory and open files must stay flat.

Producers post, workers claim and delete (one by one with the claim, in bulk, by pop, or by
releasing the claim), observers page through listings, stats, queue lists and bulk gets, a
churn thread creates, patches and deletes short-lived queues over fresh connections, and an
error thread sends requests that fail (400/404). The backlog is bounded, so the data set
stays the same size and a growing process is a leak, not a bigger working set.

Every second the test samples the server's VmRSS (/proc/PID/status) and open fds
(/proc/PID/fd). After warm-up (the first 25% of samples), the median of the last 25% must
not exceed the median of the 25%-50% window by more than max(20%, 16 MiB) of RSS or 8 fds.

MARCONI_SOAK_SECONDS sets the length (default 30; `make soak` runs 600).
"""

import collections
import os
import random
import threading
import time
import uuid

import requests

from reliability_support import (Client, ServerProcess, list_all, median, proc_sample,
                                 split_href)

SECONDS = float(os.environ.get("MARCONI_SOAK_SECONDS", "30"))
SEED = int(os.environ.get("MARCONI_SOAK_SEED", "7"))
QUEUES = 4
MAX_BACKLOG = 2000
RSS_TOLERANCE_RATIO = 0.20
RSS_TOLERANCE_KIB = 16 * 1024
FD_TOLERANCE = 8
PATCH_TYPE = "application/openstack-messaging-v2.0-json-patch"


class Load:
    def __init__(self, server, project):
        self.server, self.project = server, project
        self.queues = [f"soak-{i}" for i in range(QUEUES)]
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.statuses = collections.Counter()   # (kind, status)
        self.failures = []
        self.posted = 0
        self.removed = 0

    def record(self, kind, r, expected):
        status = None if r is None else r.status_code
        with self.lock:
            self.statuses[(kind, status)] += 1
            if status not in expected and len(self.failures) < 30:
                text = "no answer" if r is None else r.text[:200]
                self.failures.append(f"{kind}: {status} {text}")
        return r is not None and status in expected

    def backlog(self):
        return self.posted - self.removed

    def total(self):
        return sum(self.statuses.values())


def producer(load, index):
    rng, client = random.Random(SEED * 100 + index), Client(load.server, load.project)
    while not load.stop.is_set():
        if load.backlog() > MAX_BACKLOG:
            time.sleep(0.02)
            continue
        queue = rng.choice(load.queues)
        batch = [{"body": {"n": rng.random(), "pad": "y" * rng.randint(0, 2000)},
                  "ttl": rng.choice((300, 3600))} for _ in range(rng.randint(1, 10))]
        r = client.call("POST", f"/v2/queues/{queue}/messages", json={"messages": batch})
        if load.record("post", r, {201}):
            with load.lock:
                load.posted += len(batch)


def worker(load, index):
    rng, client = random.Random(SEED * 100 + 10 + index), Client(load.server, load.project)
    while not load.stop.is_set():
        queue = rng.choice(load.queues)
        roll = rng.random()
        if roll < 0.1:
            r = client.call("DELETE", f"/v2/queues/{queue}/messages",
                            params={"pop": rng.randint(1, 10)})
            if load.record("pop", r, {200}):
                with load.lock:
                    load.removed += len(r.json()["messages"])
            continue
        r = client.call("POST", f"/v2/queues/{queue}/claims",
                        params={"limit": rng.randint(1, 10)}, json={"ttl": 60, "grace": 60})
        if not load.record("claim", r, {201, 204}) or r.status_code == 204:
            time.sleep(0.005)
            continue
        cid = split_href(r.headers["Location"])[0].rsplit("/", 1)[1]
        ids = [m["id"] for m in r.json()["messages"]]
        if roll < 0.2:
            load.record("claim-get", client.call("GET", f"/v2/queues/{queue}/claims/{cid}"),
                        {200})
            load.record("claim-patch", client.call("PATCH", f"/v2/queues/{queue}/claims/{cid}",
                                                   json={"ttl": 120}), {204})
        if roll < 0.3:  # release: someone claims them again later
            load.record("claim-release", client.call("DELETE", f"/v2/queues/{queue}/claims/{cid}"),
                        {204})
        elif roll < 0.45:  # bulk delete
            r = client.call("DELETE", f"/v2/queues/{queue}/messages",
                            params={"ids": ",".join(ids)})
            if load.record("delete-bulk", r, {204}):
                with load.lock:
                    load.removed += len(ids)
        else:
            for mid in ids:
                r = client.call("DELETE", f"/v2/queues/{queue}/messages/{mid}",
                                params={"claim_id": cid})
                if load.record("delete", r, {204}):
                    with load.lock:
                        load.removed += 1


def observer(load, index):
    rng, client = random.Random(SEED * 100 + 20 + index), Client(load.server, load.project)
    while not load.stop.is_set():
        queue = rng.choice(load.queues)
        roll = rng.random()
        if roll < 0.4:
            params = {"limit": 20, "echo": "true", "include_claimed": rng.choice(("true", "false"))}
            ids = []
            for _ in range(rng.randint(1, 5)):  # a few pages, following next links
                r = client.call("GET", f"/v2/queues/{queue}/messages", params=params)
                if not load.record("list", r, {200}):
                    break
                body = r.json()
                ids += [m["id"] for m in body["messages"]]
                if not body["messages"]:
                    break
                params = {**params, "marker": split_href(body["links"][0]["href"])[1]["marker"]}
            if ids:
                r = client.call("GET", f"/v2/queues/{queue}/messages",
                                params={"ids": ",".join(ids[:20])})
                load.record("get-ids", r, {200, 404})
                r = client.call("GET", f"/v2/queues/{queue}/messages/{rng.choice(ids)}")
                load.record("get-one", r, {200, 404})
        elif roll < 0.7:
            load.record("stats", client.call("GET", f"/v2/queues/{queue}/stats"), {200})
        elif roll < 0.9:
            load.record("queues", client.call("GET", "/v2/queues",
                                              params={"detailed": "true", "with_count": "true"}),
                        {200})
        else:
            load.record("queue-get", client.call("GET", f"/v2/queues/{queue}"), {200})


def churn(load):
    """Short-lived queues and connections: every request here opens and closes a connection."""
    rng = random.Random(SEED * 100 + 30)
    headers = {"Client-ID": str(uuid.uuid4()), "X-Project-ID": load.project,
               "Connection": "close"}
    patch = {**headers, "Content-Type": "application/openstack-messaging-v2.0-json-patch"}
    n = 0
    while not load.stop.is_set():
        name, n = f"churn-{n % 50}", n + 1
        base = load.server.url + f"/v2/queues/{name}"

        def call(kind, method, url, expected, **kw):
            try:
                r = requests.request(method, url, timeout=10, **kw)
            except requests.RequestException:
                r = None
            load.record(kind, r, expected)
            return r

        call("churn-put", "PUT", base, {201, 204}, headers=headers,
             json={"owner": "soak", "blob": "z" * rng.randint(0, 4000)})
        call("churn-patch", "PATCH", base, {200}, headers=patch,
             json=[{"op": "add", "path": "/metadata/n", "value": n}])
        call("churn-post", "POST", base + "/messages", {201}, headers=headers,
             json={"messages": [{"body": i} for i in range(rng.randint(1, 5))]})
        call("churn-claim", "POST", base + "/claims", {201, 204}, headers=headers,
             json={"ttl": 60})
        call("churn-delete", "DELETE", base, {204}, headers=headers)
        time.sleep(0.01)


def errors(load):
    """Requests that fail on purpose: error paths must not leak either."""
    rng, client = random.Random(SEED * 100 + 40), Client(load.server, load.project)
    bad_id = "0" * 24
    while not load.stop.is_set():
        queue = rng.choice(load.queues)
        kind = rng.randrange(6)
        if kind == 0:
            r = client.call("POST", f"/v2/queues/{queue}/messages", data=b'{"messages": [',
                            headers={"Content-Type": "application/json"})
            load.record("err-bad-json", r, {400})
        elif kind == 1:
            load.record("err-no-message", client.call("GET", f"/v2/queues/{queue}/messages/{bad_id}"),
                        {404})
        elif kind == 2:
            load.record("err-no-claim", client.call("GET", f"/v2/queues/{queue}/claims/{bad_id}"),
                        {404})
        elif kind == 3:
            # A GET of a missing queue reads as the defaults (lazy queues); a PATCH is 404.
            r = client.call("PATCH", f"/v2/queues/missing-{rng.randrange(99)}",
                            data=b'[{"op": "add", "path": "/metadata/k", "value": 1}]',
                            headers={"Content-Type": PATCH_TYPE})
            load.record("err-no-queue", r, {404})
        elif kind == 4:
            r = client.call("POST", f"/v2/queues/{queue}/claims", json={"ttl": 1})
            load.record("err-bad-ttl", r, {400})
        else:
            r = client.call("GET", f"/v2/queues/{queue}/messages", params={"marker": "nope"})
            load.record("err-bad-marker", r, {400})
        time.sleep(0.005)


def mib(kib):
    return f"{kib / 1024:.1f}"


def test_rss_and_fds_stay_flat(tmp_path):
    server = ServerProcess(tmp_path, tmp_path / "soak.db").start()
    pid = server.proc.pid
    load = Load(server, f"soak-{uuid.uuid4().hex[:8]}")
    threads = ([threading.Thread(target=producer, args=(load, i)) for i in range(3)]
               + [threading.Thread(target=worker, args=(load, i)) for i in range(3)]
               + [threading.Thread(target=observer, args=(load, i)) for i in range(2)]
               + [threading.Thread(target=churn, args=(load,)),
                  threading.Thread(target=errors, args=(load,))])
    samples = []  # (seconds since start, rss KiB, fds)
    # Observers GET the queues from their first iteration; a queue exists only once created
    # (or posted to), so create them before any thread starts.
    setup = Client(server, load.project)
    for queue in load.queues:
        assert setup.must("PUT", f"/v2/queues/{queue}").status_code == 201
    started = time.monotonic()
    try:
        for t in threads:
            t.daemon = True
            t.start()
        next_tick = started
        while True:
            samples.append((time.monotonic() - started, *proc_sample(pid)))
            if time.monotonic() - started >= SECONDS:
                break
            next_tick += 1.0
            time.sleep(max(0.0, next_tick - time.monotonic()))
        load.stop.set()
        for t in threads:
            t.join(timeout=20)
            assert not t.is_alive(), f"{t.name} did not stop"
        assert server.alive(), server.diagnostics()
        after = proc_sample(pid)
        # The queues still answer, and what is left is what the counters say.
        checker = Client(server, load.project)
        left = sum(len(list_all(checker, q)) for q in load.queues)
    finally:
        load.stop.set()
        if server.alive():
            server.stop()  # also requires a clean exit after the load

    elapsed = time.monotonic() - started
    rss = [s[1] for s in samples]
    fds = [s[2] for s in samples]
    n = len(samples)
    warm = samples[n // 4:n // 2]
    last = samples[(3 * n) // 4:]
    warm_rss, last_rss = median([s[1] for s in warm]), median([s[1] for s in last])
    warm_fds, last_fds = median([s[2] for s in warm]), median([s[2] for s in last])
    rss_limit = warm_rss + max(warm_rss * RSS_TOLERANCE_RATIO, RSS_TOLERANCE_KIB)
    by_kind = collections.Counter()
    for (kind, _), count in load.statuses.items():
        by_kind[kind] += count
    total = load.total()
    print(f"\nsoak {SECONDS:.0f}s: {total} requests ({total / elapsed:.0f}/s), "
          f"posted={load.posted} removed={load.removed} left={left} samples={n}")
    print(f"soak RSS MiB: start={mib(rss[0])} min={mib(min(rss))} max={mib(max(rss))} "
          f"end={mib(rss[-1])} after-load={mib(after[0])} median 25-50%={mib(warm_rss)} "
          f"last 25%={mib(last_rss)} (limit {mib(rss_limit)})")
    print(f"soak fds: start={fds[0]} min={min(fds)} max={max(fds)} end={fds[-1]} "
          f"after-load={after[1]} median 25-50%={warm_fds} last 25%={last_fds} "
          f"(limit {warm_fds + FD_TOLERANCE})")
    print("soak requests: " + ", ".join(f"{k}={v}" for k, v in sorted(by_kind.items())))

    assert not load.failures, "unexpected answers:\n" + "\n".join(load.failures)
    assert n >= 8, f"only {n} samples"
    assert total >= 20 * SECONDS, f"the load did not run: {total} requests in {elapsed:.0f}s"
    assert last_rss <= rss_limit, (
        f"RSS grew: median {mib(warm_rss)} MiB in the 25-50% window, {mib(last_rss)} MiB in the "
        f"last 25%")
    assert last_fds <= warm_fds + FD_TOLERANCE, (
        f"open fds grew: median {warm_fds} in the 25-50% window, {last_fds} in the last 25%")
