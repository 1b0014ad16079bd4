"""PostgreSQL outages under load: the server rides them out and loses nothing it acked.

Producers post to one queue through a Marconi server on PostgreSQL while the test breaks the
database:
  * restart: SIGKILL the postmaster (fsync and synchronous_commit on), keep it down until the
    server has refused posts for a while, start it again on the same data directory (crash
    recovery);
  * failover: a primary whose commits wait for a synchronous streaming standby
    (synchronous_standby_names = '*'); SIGKILL the primary, promote the standby. The server is
    given both in a multi-host URI with target_session_attrs=read-write and must find the new
    primary by itself.
Checked each time:
  * while the database is down the server answers 503, and fast: no request times out, and
    no answer takes longer than SLOW;
  * the server recovers by itself (posts are acked again) within RECOVERY;
  * every message acked with 201, before or after the outage, is there at the end (read
    through the server, from the restarted database or the promoted standby), and none twice.
"""

import sys
import threading
import time
import uuid

from reliability_support import Client, E2E_DIR, UriServer, listed_tokens, wait_until

sys.path.insert(0, str(E2E_DIR.parent / "support"))
import postgres_servers  # noqa: E402  (tests/support)

PRODUCERS = 3
BEFORE = 100      # acks before the outage
DOWN_503S = 10    # the database stays down until the server has answered 503 this often,
DOWN_MIN = 1.0    # and for at least this many seconds
AFTER = 100       # acks after the first ack past the outage
RECOVERY = 20.0   # seconds the server may take to ack again once the database is back
SLOW = 5.0        # seconds: no answer, 503 or 201, may take longer
CLIENT_TIMEOUT = 10.0


def load_through_outage(server, break_db, restore_db):
    """Posts from PRODUCERS threads while break_db() and restore_db() run; returns what the
    clients were told."""
    project, queue = f"outage-{uuid.uuid4().hex[:8]}", "jobs"
    lock = threading.Lock()
    acked, answers, timeouts = [], [], []   # answers: (status, seconds, sent at)
    phase = {"restored_at": None, "first_ack_after": None}
    stop = threading.Event()

    def produce(n):
        client = Client(server, project, timeout=CLIENT_TIMEOUT)
        seq = 0
        while not stop.is_set():
            token = f"p{n}-{seq}"
            seq += 1
            started = time.monotonic()
            r = client.call("POST", f"/v2/queues/{queue}/messages",
                            json={"messages": [{"body": {"token": token}, "ttl": 3600}]})
            now = time.monotonic()
            with lock:
                if r is None:
                    timeouts.append(now - started)
                else:
                    answers.append((r.status_code, now - started, started))
                    if r.status_code == 201:
                        acked.append(token)
                        if phase["restored_at"] and phase["first_ack_after"] is None:
                            phase["first_ack_after"] = now
            if r is None or r.status_code != 201:
                time.sleep(0.05)  # retry pace of a refused client

    def count(status):
        with lock:
            return sum(1 for a in answers if a[0] == status)

    threads = [threading.Thread(target=produce, args=(n,)) for n in range(PRODUCERS)]
    for t in threads:
        t.start()
    try:
        wait_until(lambda: len(acked) >= BEFORE, 30, f"{BEFORE} acks before the outage")
        with lock:
            acked_before = len(acked)
        broken_at = time.monotonic()
        break_db()
        wait_until(lambda: count(503) >= DOWN_503S and time.monotonic() - broken_at >= DOWN_MIN,
                   30, f"{DOWN_503S} answers of 503 while the database is down")
        down_for = time.monotonic() - broken_at
        restore_db()
        restore_took = time.monotonic() - broken_at - down_for
        with lock:
            phase["restored_at"] = time.monotonic()
            acks_at_restore = len(acked)
        recovered = None  # or why not
        try:
            wait_until(lambda: phase["first_ack_after"], RECOVERY,
                       "an ack after the database came back")
            wait_until(lambda: len(acked) >= acks_at_restore + AFTER, 30,
                       f"{AFTER} acks after the recovery")
        except AssertionError as e:
            recovered = str(e)
    finally:
        stop.set()
        for t in threads:
            t.join()
    # Without a recovery there is nothing to list from: check() reports that first.
    stored = listed_tokens(server, project, queue) if recovered is None else None
    outage = ((phase["first_ack_after"] or time.monotonic()) - broken_at)
    return dict(acked=acked, acked_before=acked_before, answers=answers, timeouts=timeouts,
                recovered=recovered, stored=stored, down_for=down_for, outage=outage,
                restore_took=restore_took,
                broken_at=broken_at,
                recovery=(phase["first_ack_after"] or time.monotonic()) - phase["restored_at"])


def check(outcome, what):
    answers = outcome["answers"]
    statuses = [a[0] for a in answers]
    refused = [a for a in answers if a[0] == 503]
    slowest = max((a[1] for a in answers if a[2] >= outcome["broken_at"]), default=0.0)
    stored = outcome["stored"]
    lost = set(outcome["acked"]) - set(stored or [])
    print(f"\n{what}: acked={len(outcome['acked'])} ({outcome['acked_before']} before the "
          f"outage) stored={'?' if stored is None else len(stored)} "
          f"lost={'?' if stored is None else len(lost)} answered-503={len(refused)} "
          f"timed-out={len(outcome['timeouts'])} slowest-answer-since-outage={slowest:.2f}s "
          f"db-down={outcome['down_for']:.2f}s db-restore={outcome['restore_took']:.2f}s recovery-after-db-back={outcome['recovery']:.2f}s "
          f"outage(kill to first ack)={outcome['outage']:.2f}s")
    assert outcome["acked_before"] > 0, "no post was acked before the outage"
    assert outcome["recovered"] is None, f"no recovery: {outcome['recovered']}"
    assert refused, "the database was down, yet no request was refused"
    assert set(statuses) <= {201, 503}, sorted(set(statuses))
    assert not outcome["timeouts"], f"requests hung: {outcome['timeouts']}"
    assert slowest <= SLOW, f"an answer took {slowest:.2f}s"
    assert not lost, f"{len(lost)} acked messages lost, e.g. {sorted(lost)[:5]}"
    assert len(stored) == len(set(stored)), "a message was stored twice"


def test_a_postgres_crash_and_restart_loses_no_acked_message(tmp_path):
    pg = postgres_servers.PostgresServer(tmp_path / "pg").start()
    server = UriServer(tmp_path, pg.uri + "?schema=restart").start()
    try:
        outcome = load_through_outage(server, pg.kill, pg.start)
        check(outcome, "postgres restart")
    finally:
        server.stop()
        pg.remove()


def test_a_failover_to_a_synchronous_standby_loses_no_acked_message(tmp_path):
    primary = postgres_servers.PostgresServer(tmp_path / "primary").start()
    standby = postgres_servers.start_standby(primary, tmp_path / "standby")
    primary.require_synchronous_standby()
    uri = (f"postgresql://{postgres_servers.ROLE}:{primary.password}@127.0.0.1:{primary.port},"
           f"127.0.0.1:{standby.port}/{postgres_servers.DATABASE}"
           f"?target_session_attrs=read-write&connect_timeout=2&schema=failover")
    server = UriServer(tmp_path, uri).start()
    try:
        outcome = load_through_outage(server, primary.kill, standby.promote)
        check(outcome, "postgres failover")
        assert not standby.in_recovery()
        # What the server listed came from the promoted standby: the old primary is gone.
        assert not postgres_servers.postmaster_running(primary.pgdata)
    finally:
        server.stop()
        standby.remove()
        primary.remove()
