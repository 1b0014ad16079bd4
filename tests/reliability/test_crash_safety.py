"""Crash safety: SIGKILL at random moments, restart on the same database, lose nothing.

Producers post, workers claim and delete with their claim, while the test kills the server
with SIGKILL at seeded random moments (0.2-1.5 s apart, KILLS times) and restarts it on the
same SQLite file each time; the clients keep going against the new process.

What an answer promises, and what is checked (after every restart, and at the end):
  * 201 on POST: the messages are committed. Each acked id is later either present (listing
    with include_claimed) or was deleted by a worker with its claim (204). `lost` must be 0.
  * 204 on DELETE ...?claim_id=: the message is gone for good. It must never be listed, got
    by id, or handed out by a claim again, across any number of restarts. `redelivered`
    must be 0.
  * 201 on POST .../claims: the claim is committed with its expiry. Until its ttl has
    passed it is GET-able after any restart (same messages, same ttl, an age that kept
    counting), deletes with it keep working, and no other claim gets its messages.
  * A request that got no answer (the kill cut it) is "unknown": its effect may or may not
    have happened, and either is allowed. Unknown posts may show up as messages that were
    never acked ("found-unacked"), but never twice, and never as a copy of an acked one.
    An interrupted DELETE is retried; Zaqar answers 204 for a missing message, so the retry
    settles it.

Both sync modes are run. `sync = full` fsyncs every commit (survives power loss).
`sync = normal` (MARCONI_STORAGE_SYNC=normal) skips the fsync of WAL commits; a commit is
still written to the WAL file before the answer, and the kernel keeps the written pages when
the process dies, so SIGKILL must lose nothing in this mode either. Only a power loss or
kernel crash may lose the last commits with `normal`, and that is not tested here.

The same ledger also runs on PostgreSQL (variant `postgres`): one postgres per module (started
by the test, tests/support/postgres_servers.py, fsync and synchronous_commit on), a fresh
?schema= per run. Only Marconi is killed there; the database keeps running (its own crashes
are test_postgres_outages.py). What this checks is the driver's side of each promise: an
answer is sent only after its transaction committed, and a claim, a delete or a post cut off
by the kill is either wholly committed or not at all.

Environment: MARCONI_BIN (the binary), MARCONI_CRASH_SEED (default 20261128),
MARCONI_CRASH_KILLS (default 24; at least 20 are required).
"""

import collections
import os
import random
import sys
import threading
import time
import uuid

import pytest

from reliability_support import (Client, E2E_DIR, ServerProcess, UriServer, id_from_href,
                                 list_all, split_href)

sys.path.insert(0, str(E2E_DIR.parent / "support"))
import postgres_servers  # noqa: E402  (tests/support)

SEED = int(os.environ.get("MARCONI_CRASH_SEED", "20261128"))
KILLS = int(os.environ.get("MARCONI_CRASH_KILLS", "24"))
MIN_KILLS = 20
KILL_LOOP_BUDGET = 50.0   # seconds; the whole variant stays under ~60 s
QUEUES = 3
PRODUCERS = 3
WORKERS = 3
MAX_BACKLOG = 1500        # producers pause above this many live acked messages
CLAIM_TTLS = (60, 90, 120)
MARGIN = 1.0              # seconds of slack when comparing client clock readings with expiries


class Ledger:
    """What the clients were told, shared by every thread (one lock)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.posted = {}      # token -> "sent" | "acked" | "unknown"
        self.acked = {}       # message id -> (queue, token): POST answered 201
        self.deleting = {}    # message id -> (queue, claim id): DELETE sent, no answer yet
        self.deleted = {}     # message id -> (queue, token): DELETE ?claim_id= answered 204
        self.held = {}        # message id -> (claim id, lower bound of its expiry, token,
                              #                server start it was claimed in)
        self.abandoned = []   # claims left alone until they expire (checked after restarts)
        self.counts = collections.Counter()
        self.violations = []
        self.generation = 0   # server starts so far

    def violate(self, text):
        with self.lock:
            self.counts["violations"] += 1
            if len(self.violations) < 40:
                self.violations.append(text)

    def backlog(self):
        return len(self.acked) - len(self.deleted)


class Producer(threading.Thread):
    def __init__(self, index, server, project, queues, ledger, stop):
        super().__init__(name=f"producer-{index}", daemon=True)
        self.index, self.queues, self.ledger, self.stop = index, queues, ledger, stop
        self.rng = random.Random(SEED * 100 + index)
        self.client = Client(server, project)

    def run(self):
        led, n = self.ledger, 0
        while not self.stop.is_set():
            if led.backlog() > MAX_BACKLOG:
                time.sleep(0.05)
                continue
            queue = self.rng.choice(self.queues)
            tokens = [f"p{self.index}-{n + j}" for j in range(self.rng.randint(1, 5))]
            n += len(tokens)
            batch = [{"body": {"t": t, "pad": "x" * self.rng.randint(0, 300)}, "ttl": 3600}
                     for t in tokens]
            with led.lock:
                for t in tokens:
                    led.posted[t] = "sent"
            r = self.client.call("POST", f"/v2/queues/{queue}/messages", json={"messages": batch})
            if r is None:
                with led.lock:
                    for t in tokens:
                        led.posted[t] = "unknown"
                    led.counts["unknown posts"] += 1
                    led.counts["unknown posted messages"] += len(tokens)
                time.sleep(0.02)
                continue
            if r.status_code != 201:
                led.violate(f"POST {queue}: {r.status_code} {r.text[:200]}")
                continue
            ids = [id_from_href(h) for h in r.json()["resources"]]
            if len(ids) != len(tokens):
                led.violate(f"POST {queue}: {len(tokens)} messages, {len(ids)} ids")
            with led.lock:
                for mid, t in zip(ids, tokens):
                    led.posted[t] = "acked"
                    led.acked[mid] = (queue, t)
                led.counts["acked"] += len(ids)


class Worker(threading.Thread):
    def __init__(self, index, server, project, queues, ledger, stop):
        super().__init__(name=f"worker-{index}", daemon=True)
        self.queues, self.ledger, self.stop = queues, ledger, stop
        self.rng = random.Random(SEED * 100 + 50 + index)
        self.client = Client(server, project)

    def run(self):
        while not self.stop.is_set():
            self.one_claim()

    def one_claim(self):
        led, rng = self.ledger, self.rng
        queue = rng.choice(self.queues)
        ttl = rng.choice(CLAIM_TTLS)
        t_send = time.monotonic()
        r = self.client.call("POST", f"/v2/queues/{queue}/claims",
                             params={"limit": rng.randint(1, 6)}, json={"ttl": ttl, "grace": 60})
        if r is None:
            with led.lock:
                led.counts["unknown claims"] += 1
            time.sleep(0.02)
            return
        if r.status_code == 204:
            time.sleep(0.01)
            return
        if r.status_code != 201:
            led.violate(f"POST claim {queue}: {r.status_code} {r.text[:200]}")
            return
        t_resp = time.monotonic()
        cid = split_href(r.headers["Location"])[0].rsplit("/", 1)[1]
        messages = r.json()["messages"]
        ids = [m["id"] for m in messages]
        expires_lb = t_send + ttl
        with led.lock:
            led.counts["claims"] += 1
            for m in messages:
                mid, token = m["id"], m["body"].get("t")
                if mid in led.deleted:
                    led.counts["redelivered"] += 1
                    led.violations.append(f"claim {cid} handed out {mid}, deleted earlier (204)")
                held = led.held.get(mid)
                if held and held[0] != cid and held[1] > t_resp + MARGIN:
                    led.counts["claimed while held"] += 1
                    led.violations.append(f"claim {cid} took {mid}, still held by live claim "
                                          f"{held[0]} for {held[1] - t_resp:.1f}s "
                                          f"(gen {led.generation}/{held[3]})")
                acked = led.acked.get(mid)
                if acked and acked[1] != token:
                    led.violations.append(f"{mid}: body token {token}, posted {acked[1]}")
                led.held[mid] = (cid, expires_lb, token, led.generation)

        roll = rng.random()
        if roll < 0.15:  # abandon: the claim must hold its messages, across restarts, until it expires
            with led.lock:
                led.abandoned.append({"queue": queue, "cid": cid, "ids": ids, "ttl": ttl,
                                      "t_send": t_send, "t_resp": t_resp})
                led.counts["abandoned claims"] += 1
            return
        if roll < 0.25:  # release: the messages become claimable again
            # No longer held from the moment the request leaves: the server may release them
            # (and another worker claim them) before this thread sees the answer.
            with led.lock:
                for mid in ids:
                    if led.held.get(mid, ("",))[0] == cid:
                        del led.held[mid]
            r = self.client.call("DELETE", f"/v2/queues/{queue}/claims/{cid}")
            with led.lock:
                if r is None:
                    led.counts["unknown releases"] += 1
                elif r.status_code == 204:
                    led.counts["released claims"] += 1
                else:
                    led.violations.append(f"DELETE claim {cid}: {r.status_code} {r.text[:200]}")
            return
        if roll < 0.35:  # renew with another ttl before deleting
            new_ttl = rng.choice(CLAIM_TTLS)
            t_patch = time.monotonic()
            # Until the answer, either expiry may be in force: hold only to the earlier one.
            self.hold(ids, cid, min(expires_lb, t_patch + new_ttl))
            r = self.client.call("PATCH", f"/v2/queues/{queue}/claims/{cid}",
                                 json={"ttl": new_ttl, "grace": 60})
            if r is None:
                expires_lb = min(expires_lb, t_patch + new_ttl)
                with led.lock:
                    led.counts["unknown renewals"] += 1
            elif r.status_code == 204:
                expires_lb = t_patch + new_ttl
                with led.lock:
                    led.counts["renewed claims"] += 1
            elif time.monotonic() < expires_lb - MARGIN:
                led.violate(f"PATCH live claim {cid}: {r.status_code} {r.text[:200]}")
            self.hold(ids, cid, expires_lb)
        for m in messages:
            self.delete(queue, m["id"], m["body"].get("t"), cid, expires_lb)

    def hold(self, ids, cid, expires_lb):
        with self.ledger.lock:
            for mid in ids:
                held = self.ledger.held.get(mid)
                if held and held[0] == cid:
                    self.ledger.held[mid] = (cid, expires_lb) + held[2:]

    def delete(self, queue, mid, token, cid, expires_lb):
        led = self.ledger
        with led.lock:
            led.deleting[mid] = (queue, cid)
        interrupted = False
        while True:
            r = self.client.call("DELETE", f"/v2/queues/{queue}/messages/{mid}",
                                 params={"claim_id": cid})
            if r is not None:
                break
            if not interrupted:
                interrupted = True
                with led.lock:
                    led.counts["unknown deletes"] += 1
            if self.stop.is_set():
                return  # left in `deleting`: settled by the final check
            time.sleep(0.05)
        with led.lock:
            led.deleting.pop(mid, None)
            if r.status_code == 204:
                led.deleted[mid] = (queue, token)
                led.held.pop(mid, None)
                led.counts["deleted with claim"] += 1
                if interrupted:
                    led.counts["deletes settled by retry"] += 1
                return
        # 400 (claim gone) or 403 (someone else's claim): fine only once the claim has expired.
        if time.monotonic() < expires_lb - MARGIN:
            led.violate(f"DELETE {mid} with live claim {cid}: {r.status_code} {r.text[:200]}")
        else:
            with led.lock:
                led.counts["deletes after claim expiry"] += 1


def by_queue(pairs):
    groups = collections.defaultdict(list)
    for mid, queue in pairs:
        groups[queue].append(mid)
    return groups


def get_ids(client, queue, ids):
    """{id: message} for those of `ids` the server returns (GET ?ids=, 20 at a time)."""
    found = {}
    for i in range(0, len(ids), 20):
        chunk = ids[i:i + 20]
        r = client.must("GET", f"/v2/queues/{queue}/messages", params={"ids": ",".join(chunk)})
        assert r.status_code in (200, 404), (r.status_code, r.text)
        if r.status_code == 200:
            for m in r.json()["messages"]:
                found[m["id"]] = m
    return found


def check_claims(client, ledger, now, limit=None, rng=None):
    """Abandoned claims whose ttl has not passed: GET-able with the same messages and ttl."""
    with ledger.lock:
        live = [c for c in ledger.abandoned if c["t_send"] + c["ttl"] > now + 2 * MARGIN]
    if limit is not None and len(live) > limit:
        live = live[-limit // 2:] + rng.sample(live[:-limit // 2], limit - limit // 2)
    for c in live:
        r = client.must("GET", f"/v2/queues/{c['queue']}/claims/{c['cid']}")
        t = time.monotonic()
        if r.status_code != 200:
            ledger.violate(f"claim {c['cid']} (ttl {c['ttl']}, {t - c['t_send']:.1f}s old) "
                           f"lost: {r.status_code} {r.text[:200]}")
            continue
        body = r.json()
        got = [m["id"] for m in body["messages"]]
        if got != c["ids"]:
            ledger.violate(f"claim {c['cid']}: messages {got}, claimed {c['ids']}")
        if body["ttl"] != c["ttl"]:
            ledger.violate(f"claim {c['cid']}: ttl {body['ttl']}, claimed with {c['ttl']}")
        if not (t - c["t_resp"] - 2 <= body["age"] <= t - c["t_send"] + 2):
            ledger.violate(f"claim {c['cid']}: age {body['age']}, expected "
                           f"{t - c['t_resp']:.1f}..{t - c['t_send']:.1f}")
        for m in body["messages"]:
            if split_href(m["href"])[1].get("claim_id") != c["cid"]:
                ledger.violate(f"claim {c['cid']}: message href {m['href']}")
    with ledger.lock:
        ledger.counts["claim checks"] += len(live)


def check_after_restart(client, ledger, rng):
    """Runs while the clients keep going: samples acked, deleted and claimed state."""
    check_claims(client, ledger, time.monotonic(), limit=12, rng=rng)
    with ledger.lock:
        deleted = list(ledger.deleted.items())
        candidates = [(mid, q) for mid, (q, _) in ledger.acked.items()
                      if mid not in ledger.deleted and mid not in ledger.deleting]
    # Deleted with a claim: never visible again.
    sample = deleted[-20:] + rng.sample(deleted[:-20], min(20, max(0, len(deleted) - 20)))
    for queue, ids in by_queue((mid, q) for mid, (q, _) in sample).items():
        for mid in get_ids(client, queue, ids):
            ledger.violate(f"{mid} deleted with its claim (204), visible again after a restart")
            with ledger.lock:
                ledger.counts["redelivered"] += 1
    # Acked and not being deleted: present.
    sample = candidates[-20:] + rng.sample(candidates[:-20], min(20, max(0, len(candidates) - 20)))
    for queue, ids in by_queue(sample).items():
        found = get_ids(client, queue, ids)
        with ledger.lock:
            missing = [mid for mid in ids if mid not in found
                       and mid not in ledger.deleted and mid not in ledger.deleting]
        for mid in missing:
            ledger.violate(f"{mid} acked (201), missing after a restart")
            with ledger.lock:
                ledger.counts["lost"] += 1


def final_check(client, ledger, queues):
    led = ledger
    present = {}
    for queue in queues:
        for m in list_all(client, queue):
            if m["id"] in present:
                led.violate(f"{m['id']} listed twice")
            present[m["id"]] = (queue, m["body"].get("t"))
    counts = led.counts
    counts["found"] = sum(1 for mid in led.acked if mid in present)
    # Every acked message is present or was deleted with its claim.
    for mid, (queue, token) in led.acked.items():
        if mid in present or mid in led.deleted:
            continue
        if mid in led.deleting:
            counts["gone after interrupted delete"] += 1
            continue
        if get_ids(client, queue, [mid]):
            led.violate(f"{mid} acked, absent from the listing but found by id")
            continue
        counts["lost"] += 1
        led.violate(f"{mid} ({token}) acked (201) in {queue}: lost")
    # Nothing deleted with a claim is there, by listing or by id.
    for mid in led.deleted:
        if mid in present:
            counts["redelivered"] += 1
            led.violate(f"{mid} deleted with its claim (204), listed at the end")
    for queue, ids in by_queue((mid, q) for mid, (q, _) in led.deleted.items()).items():
        for mid in get_ids(client, queue, ids):
            counts["redelivered"] += 1
            led.violate(f"{mid} deleted with its claim (204), got by id at the end")
    # Messages nobody was told about come from unknown posts, each token at most once.
    seen_tokens = collections.Counter(t for _, t in present.values())
    seen_tokens.update(t for _, t in led.deleted.values())
    for token, n in seen_tokens.items():
        if n > 1:
            led.violate(f"token {token} stored {n} times")
    for mid, (queue, token) in present.items():
        if mid in led.acked:
            if led.acked[mid] != (queue, token):
                led.violate(f"{mid}: {(queue, token)} stored, {led.acked[mid]} posted")
            continue
        counts["found-unacked"] += 1
        if led.posted.get(token) != "unknown":
            led.violate(f"{mid} in {queue}: body {token} was {led.posted.get(token)}, never "
                        f"acked under this id")
    check_claims(client, ledger, time.monotonic())


@pytest.fixture(scope="module")
def postgres(tmp_path_factory):
    """The module's PostgreSQL, started on first use; each run takes a schema of its own."""
    server = postgres_servers.PostgresServer(tmp_path_factory.mktemp("postgres")).start()
    yield server
    server.remove()


# "full" and "normal": SQLite's sync modes; "postgres": PostgreSQL (see the docstring).
@pytest.mark.parametrize("sync", ["full", "normal", "postgres"])
def test_sigkill_loses_nothing(tmp_path, monkeypatch, request, sync):
    if sync in ("full", "postgres"):
        monkeypatch.delenv("MARCONI_STORAGE_SYNC", raising=False)  # the default
    else:
        monkeypatch.setenv("MARCONI_STORAGE_SYNC", sync)
    monkeypatch.setenv("MARCONI_SERVER_GC_INTERVAL_SECONDS", "1")  # GC runs between the kills
    started = time.monotonic()
    if sync == "postgres":
        schema = f"crash_{uuid.uuid4().hex[:12]}"
        server = UriServer(tmp_path, f"{request.getfixturevalue('postgres').uri}?schema={schema}")
        server.start()
    else:
        server = ServerProcess(tmp_path, tmp_path / "crash.db").start()
        stderr = server._stderr_path.read_text(errors="replace")
        assert f'storage.sync = "{sync}"' in stderr, stderr[-2000:]

    project = f"crash-{sync}-{uuid.uuid4().hex[:8]}"
    checker = Client(server, project)
    queues = [f"crash-{i}" for i in range(QUEUES)]
    for q in queues:
        assert checker.must("PUT", f"/v2/queues/{q}").status_code == 201
    ledger, stop = Ledger(), threading.Event()
    threads = ([Producer(i, server, project, queues, ledger, stop) for i in range(PRODUCERS)]
               + [Worker(i, server, project, queues, ledger, stop) for i in range(WORKERS)])
    rng = random.Random(SEED)
    kills = 0
    try:
        for t in threads:
            t.start()
        loop_start = time.monotonic()
        while kills < KILLS and time.monotonic() - loop_start < KILL_LOOP_BUDGET:
            time.sleep(rng.uniform(0.2, 1.5))
            server.kill()
            kills += 1
            server.start()
            with ledger.lock:
                ledger.generation += 1
            check_after_restart(checker, ledger, random.Random(SEED + kills))
        stop.set()
        for t in threads:
            t.join(timeout=20)
            assert not t.is_alive(), f"{t.name} did not stop"
        final_check(checker, ledger, queues)
        # A kill must never make the next start log an error (recovery is SQLite's job).
        for log in sorted(tmp_path.glob("server-*.stderr")):
            for line in log.read_text(errors="replace").splitlines():
                if "[error]" in line or "[critical]" in line:
                    ledger.violate(f"{log.name}: {line}")
    finally:
        stop.set()
        if server.alive():
            server.stop()

    c = ledger.counts
    unknown = (c["unknown posts"] + c["unknown claims"] + c["unknown deletes"]
               + c["unknown renewals"] + c["unknown releases"])
    print(f"\ncrash-safety sync={sync} seed={SEED}: kills={kills} acked={c['acked']} "
          f"found={c['found']} deleted-with-claim={c['deleted with claim']} lost={c['lost']} "
          f"redelivered-after-delete={c['redelivered']} "
          f"claimed-while-held={c['claimed while held']} unknown={unknown} "
          f"(posts={c['unknown posts']} [{c['unknown posted messages']} msgs, "
          f"{c['found-unacked']} found], claims={c['unknown claims']}, "
          f"deletes={c['unknown deletes']} [{c['deletes settled by retry']} settled by retry, "
          f"{c['gone after interrupted delete']} gone], renewals={c['unknown renewals']}, "
          f"releases={c['unknown releases']}) claims={c['claims']} "
          f"abandoned={c['abandoned claims']} claim-checks={c['claim checks']} "
          f"violations={c['violations']} in {time.monotonic() - started:.1f}s")
    assert not ledger.violations, "\n".join(ledger.violations)
    assert c["lost"] == 0 and c["redelivered"] == 0 and c["claimed while held"] == 0
    assert kills >= MIN_KILLS, f"only {kills} kills within {KILL_LOOP_BUDGET:.0f}s"
    # The load really ran through the kills.
    assert c["acked"] >= 200 and c["deleted with claim"] >= 100 and c["claim checks"] >= 10, c
