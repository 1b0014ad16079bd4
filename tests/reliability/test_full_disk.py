"""A full disk: writes get 503, nothing acknowledged is lost or half-written, and the server
serves writes again by itself once space returns.

The real server runs with its SQLite database on a small tmpfs that the test mounts itself
(so it needs root, or CAP_SYS_ADMIN; CI runs as root, and without it the test fails rather
than skips). tmpfs rather than a loopback ext4 image: it answers a write past its size with
ENOSPC at write() time, as ext4 does for ordinary allocation, and SQLite turns that into
SQLITE_FULL the same way; it needs no loop device (often missing in containers), has no
root-reserved blocks that would let this root-run server write on, and no delayed allocation
that could move the failure to fsync. Its fsync is a no-op, which only matters for power loss,
not for the kill -9 checked here. Server logs stay outside the small disk.

The scenario, on one queue posted to in batches (every message body names its batch):
  1. a few batches before the disk fills (201);
  2. a ballast file takes every free byte, then batches go on until the server answers 503
     (the WAL may still have room it reuses, so some more may get 201);
  3. while full: every request is answered within the client timeout; writes get 201 (space
     the store found itself) or 503 with Retry-After and a Zaqar body saying the disk is full;
     reads get 200; the server stays up;
  4. the ballast goes; a post must get 201 again within a deadline, without a restart;
  5. every batch answered 201 is there with its exact bodies, no batch answered 503 left a
     message behind, and no batch is partly visible; the same after kill -9 and a restart.
"""

import errno
import os
import subprocess
import time
import uuid

import pytest

from reliability_support import Client, ServerProcess, list_all, wait_until

DISK_SIZE = "4m"
BATCH = 5                  # messages per post
PAD_BYTES = 1500           # random text per message body: a batch spans a few SQLite pages
MAX_FILL_POSTS = 2000      # a 4 MiB disk holds far fewer batches than this
FULL_PHASE_ROUNDS = 10     # at least this many rounds of mixed requests while the disk is full
FULL_PHASE_SECONDS = 2.5   # and for at least this long: a few 1 s GC sweeps run meanwhile
RECOVERY_DEADLINE = 30.0   # seconds for writes to work again once space is back
DISK_FULL_TEXT = "The store is out of disk space; retry later."


class SqliteServer(ServerProcess):
    """The e2e server runner, always on SQLite whatever MARCONI_E2E_STORAGE says."""

    @property
    def storage_uri(self):
        return "sqlite:///" + str(self.db_path)


@pytest.fixture
def small_disk(tmp_path):
    """A DISK_SIZE tmpfs mounted under tmp_path, unmounted again whatever the test did."""
    mountpoint = tmp_path / "disk"
    mountpoint.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK_SIZE},mode=0700",
                              "tmpfs", str(mountpoint)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.fail(f"cannot mount a {DISK_SIZE} tmpfs on {mountpoint}: this test needs root "
                    f"(CAP_SYS_ADMIN) to mount a small disk: {mounted.stderr.strip()}")
    try:
        yield mountpoint
    finally:
        if subprocess.run(["umount", str(mountpoint)]).returncode != 0:
            # Something still holds a file open there: detach it so the tmpfs goes anyway.
            subprocess.run(["umount", "-l", str(mountpoint)], check=True)


@pytest.fixture
def server(tmp_path, small_disk, monkeypatch):
    monkeypatch.setenv("MARCONI_SERVER_GC_INTERVAL_SECONDS", "1")  # GC runs while the disk is full
    proc = SqliteServer(tmp_path, small_disk / "marconi.db").start()
    try:
        yield proc
    finally:
        if proc.alive():
            proc.kill()  # before the disk is unmounted: it holds the database open


def fill_with_ballast(path):
    """Writes `path` until the filesystem has no byte left; returns its size."""
    written = 0
    with open(path, "wb", buffering=0) as f:
        for chunk in (1 << 20, 64 << 10, 4096, 512, 1):
            block = b"\0" * chunk
            while True:
                try:
                    written += f.write(block)
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
                    break
    return written


class Ledger:
    """What the server answered to each batch post."""

    def __init__(self):
        self.acked = {}     # batch token -> {message id: body}
        self.refused = []   # batch tokens answered 503
        self.posts = 0

    def new_batch(self):
        token = uuid.uuid4().hex
        bodies = [{"batch": token, "i": i, "pad": os.urandom(PAD_BYTES // 2).hex()}
                  for i in range(BATCH)]
        return token, bodies


def assert_disk_full_answer(r):
    assert r.status_code == 503, (r.status_code, r.text)
    assert r.headers.get("Retry-After"), r.headers
    body = r.json()
    assert body.get("title") == "Service temporarily unavailable", body
    assert body.get("description") == DISK_FULL_TEXT, body


def post_batch(client, queue, ledger):
    """Posts one batch; returns its status (201 or 503, anything else fails the test)."""
    token, bodies = ledger.new_batch()
    ledger.posts += 1
    r = client.must("POST", f"/v2/queues/{queue}/messages",
                    json={"messages": [{"ttl": 3600, "body": b} for b in bodies]})
    if r.status_code == 201:
        ids = [href.rsplit("/", 1)[1] for href in r.json()["resources"]]
        assert len(ids) == BATCH, r.text
        ledger.acked[token] = dict(zip(ids, bodies))
    else:
        assert_disk_full_answer(r)
        ledger.refused.append(token)
    return r.status_code


def check_store(client, queue, ledger):
    """Every acked batch whole with its exact bodies; nothing of a refused or partial batch."""
    by_batch = {}
    for m in list_all(client, queue):
        message_id = m["href"].split("?")[0].rsplit("/", 1)[1]
        by_batch.setdefault(m["body"]["batch"], {})[message_id] = m["body"]
    for token, messages in ledger.acked.items():
        assert by_batch.get(token) == messages, f"acked batch {token} lost or changed"
    for token in ledger.refused:
        assert token not in by_batch, f"batch {token} was answered 503 but left messages"
    assert set(by_batch) <= set(ledger.acked), "messages of a batch that was never acked"


def mixed_requests_while_full(client, queue, ledger, some_id):
    """Reads get 200; writes 201/204 (room the store found) or the disk-full 503."""
    until = time.monotonic() + FULL_PHASE_SECONDS
    rounds = 0
    while rounds < FULL_PHASE_ROUNDS or time.monotonic() < until:
        rounds += 1
        post_batch(client, queue, ledger)
        for path in (f"/v2/queues/{queue}/messages?echo=true&limit=5",
                     f"/v2/queues/{queue}/messages/{some_id}",
                     f"/v2/queues/{queue}/stats", "/v2/queues"):
            r = client.must("GET", path)
            assert r.status_code == 200, (path, r.status_code, r.text)
        r = client.must("PUT", f"/v2/queues/full-{uuid.uuid4().hex[:8]}")
        if r.status_code != 201:
            assert_disk_full_answer(r)
        # A claim is a write too; any claim made here is released again by its own ttl.
        r = client.must("POST", f"/v2/queues/{queue}/claims?limit=1",
                        json={"ttl": 60, "grace": 60})
        if r.status_code not in (201, 204):
            assert_disk_full_answer(r)


def wait_for_writes(client, queue, ledger):
    """Posts until one is acked again; the space has just come back."""
    wait_until(lambda: post_batch(client, queue, ledger) == 201, RECOVERY_DEADLINE,
               "writes accepted again after space came back", pace=0.1)


def test_full_disk_answers_503_and_recovers(tmp_path, small_disk, server):
    client = Client(server, f"disk-{uuid.uuid4().hex[:8]}", timeout=10.0)
    queue = "filling"
    assert client.must("PUT", f"/v2/queues/{queue}").status_code == 201
    ledger = Ledger()

    for _ in range(5):
        assert post_batch(client, queue, ledger) == 201
    some_id = next(iter(next(iter(ledger.acked.values()))))

    ballast = small_disk / "ballast"
    assert fill_with_ballast(ballast) > 0
    while post_batch(client, queue, ledger) != 503:
        assert ledger.posts < MAX_FILL_POSTS, "the server never reported the disk full"
    refused_before = len(ledger.refused)

    mixed_requests_while_full(client, queue, ledger, some_id)
    assert len(ledger.refused) > refused_before, "no write refused while the disk was full"
    assert server.alive(), server.diagnostics()
    check_store(client, queue, ledger)
    assert "out of disk space" in server.stderr_text(), server.diagnostics()

    ballast.unlink()
    wait_for_writes(client, queue, ledger)
    for _ in range(5):
        assert post_batch(client, queue, ledger) == 201
    check_store(client, queue, ledger)

    server.restart(hard=True)  # kill -9: every ack must already be on disk
    check_store(client, queue, ledger)
    assert post_batch(client, queue, ledger) == 201
    print(f"\nfull disk: {len(ledger.acked)} batches acked, {len(ledger.refused)} refused")
