"""Notifications: subscribers of a queue receive each posted message, durably.

A real webhook receiver (http.server in a thread on 127.0.0.1) records every request and can
answer 500 a number of times; mailto goes through a stand-in sendmail script writing to a file.
Each test runs its own server (make_server), so restarts and settings stay private.

"Nothing more arrives" is checked with a sentinel, not by sleeping: one server delivers a
subscriber's jobs one at a time in outbox order (notify::fair_scheduler), so once a job posted
later has reached the same subscriber URL, every job stored before it has been dealt with.
"""

import http.server
import json
import os
import socket
import stat
import threading
import time

import pytest

from conftest import STORAGE, Api, ServerProcess
from e2e_helpers import assert_json, post, unique, wait_until

WAIT = 30.0


@pytest.fixture(autouse=True)
def _payloads_with_message_ids(monkeypatch):
    """These tests tell notifications apart by their message_id, which Marconi adds to the
    payload with [notification] include_message_id (off by default, as Zaqar sends none)."""
    monkeypatch.setenv("MARCONI_NOTIFICATION_INCLUDE_MESSAGE_ID", "true")


class Receiver:
    """A loopback webhook endpoint: records (time, path, headers, body) of every POST and
    answers 500 to the first `failures` of them, 200 afterwards."""

    def __init__(self, failures=0, port=0):
        self.failures = failures
        self.requests = []
        self._lock = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length).decode()
                with receiver._lock:
                    receiver.requests.append(
                        (time.monotonic(), self.path, dict(self.headers), body))
                    failing = receiver.failures > 0
                    if failing:
                        receiver.failures -= 1
                    receiver._lock.notify_all()
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path="/hook"):
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_for(self, count, timeout=WAIT):
        """The first `count` requests, waiting for them to arrive."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.requests) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"{len(self.requests)} of {count} requests arrived"
                self._lock.wait(left)
            return list(self.requests[:count])

    def distinct_messages(self, ids, timeout=WAIT):
        """{message_id: body} once every id in `ids` has arrived; at-least-once delivery may
        repeat some (a server killed between storing a retry and removing the attempt)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                got = {}
                for _, _, _, body in self.requests:
                    doc = json.loads(body)
                    got[doc["message_id"]] = doc["body"]
                if set(ids) <= set(got):
                    return got
                left = deadline - time.monotonic()
                assert left > 0, f"{len(got)} of {len(ids)} messages arrived"
                self._lock.wait(left)

    def bodies(self, count, timeout=WAIT):
        return [json.loads(body) for _, _, _, body in self.wait_for(count, timeout)]

    def message_ids(self, count, timeout=WAIT):
        """The message ids of the first `count` requests (notifications), in arrival order."""
        return [body.get("message_id") for body in self.bodies(count, timeout)]

    def stop(self):
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def receivers():
    started = []

    def start(**kwargs):
        r = Receiver(**kwargs)
        started.append(r)
        return r

    yield start
    for r in started:
        r.stop()


class HangingServer:
    """A loopback webhook endpoint that reads each request and never answers; counts the
    requests it holds open at once (until Marconi gives up and closes the connection)."""

    def __init__(self):
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.port = self._listener.getsockname()[1]
        self.open = 0
        self.max_open = 0
        self.total = 0
        self._lock = threading.Condition()
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept(self):
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._hold, args=(conn,), daemon=True).start()

    def _hold(self, conn):
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            with self._lock:
                self.open += 1
                self.total += 1
                self.max_open = max(self.max_open, self.open)
                self._lock.notify_all()
            try:
                while conn.recv(65536):
                    pass
            except OSError:
                pass
            with self._lock:
                self.open -= 1
                self._lock.notify_all()

    def wait_until(self, condition, what, timeout=WAIT):
        deadline = time.monotonic() + timeout
        with self._lock:
            while not condition():
                left = deadline - time.monotonic()
                assert left > 0, f"{what}: open={self.open} total={self.total}"
                self._lock.wait(left)

    def stop(self):
        self._listener.close()


def subscribe(api, queue, subscriber, options=None, ttl=3600):
    r = api.post(f"/v2/queues/{queue}/subscriptions",
                 json={"subscriber": subscriber, "ttl": ttl, "options": options or {}})
    return assert_json(r, 201)["subscription_id"]


def messages_of(api, queue):
    r = api.get(f"/v2/queues/{queue}/messages", params={"echo": "true", "limit": 20})
    return [] if r.status_code == 204 else r.json()["messages"]


# Short but valid (maximum_delay - minimum_delay >= 10): retries at +0 s, +1 s, +6 s.
SHORT_POLICY = {"retries_with_no_delay": 1, "minimum_delay_retries": 0, "minimum_delay": 1,
                "maximum_delay": 11, "maximum_delay_retries": 0,
                "retry_backoff_function": "linear"}


def test_webhook_payload_is_exactly_zaqars_by_default(make_server, receivers):
    api = Api(make_server(notification_include_message_id="false"))
    hook = receivers()
    queue = unique()
    subscribe(api, queue, hook.url())
    post(api, queue, {"n": 1}, ttl=300)
    [(_, _, _, body)] = hook.wait_for(1)
    assert json.loads(body) == {"body": {"n": 1}, "ttl": 300, "queue_name": queue,
                                "Message_Type": "Notification"}


def test_webhook_gets_zaqar_payload_with_message_id_and_headers(make_server, receivers):
    api = Api(make_server())
    hook = receivers()
    queue = unique()
    subscribe(api, queue, hook.url("/hook?src=marconi"),
              {"post_headers": {"X-Hook-Token": "s3cret"}})
    ids = post(api, queue, {"event": "created", "n": 1}, "second", ttl=300)

    got = hook.wait_for(2)
    bodies = sorted((json.loads(b) for _, _, _, b in got), key=lambda b: ids.index(b["message_id"]))
    assert bodies == [
        {"body": {"event": "created", "n": 1}, "ttl": 300, "queue_name": queue,
         "Message_Type": "Notification", "message_id": ids[0]},
        {"body": "second", "ttl": 300, "queue_name": queue,
         "Message_Type": "Notification", "message_id": ids[1]},
    ]
    for _, path, headers, _ in got:
        assert path == "/hook?src=marconi"
        assert headers["Content-Type"] == "application/json"
        assert headers["X-Hook-Token"] == "s3cret"
    [sentinel] = post(api, queue, "sentinel")
    assert hook.message_ids(3)[2] == sentinel  # once each: no repeat came first


def test_post_data_template_wraps_the_message(make_server, receivers):
    api = Api(make_server())
    hook = receivers()
    queue = unique()
    subscribe(api, queue, hook.url(),
              {"post_data": '{"payload": "$zaqar_message$", "kind": "marconi"}'})
    [mid] = post(api, queue, {"x": 1})
    [body] = hook.bodies(1)
    assert body == {"payload": {"body": {"x": 1}, "ttl": 3600, "queue_name": queue,
                                "Message_Type": "Notification", "message_id": mid},
                    "kind": "marconi"}


def test_posts_without_subscriptions_notify_no_one(make_server, receivers):
    api = Api(make_server())
    hook = receivers()
    subscribed, other = unique(), unique()
    subscribe(api, subscribed, hook.url())
    post(api, other, "not for the hook")
    [mid] = post(api, subscribed, "for the hook")
    assert [b["message_id"] for b in hook.bodies(1)] == [mid]
    [sentinel] = post(api, subscribed, "sentinel")
    assert hook.message_ids(2) == [mid, sentinel]


def test_topic_posts_fan_out_to_every_subscriber(make_server, receivers):
    api = Api(make_server())
    hooks = [receivers(), receivers()]
    name = unique("t")
    assert api.put(f"/v2/topics/{name}").status_code == 201
    for hook in hooks:
        r = api.post(f"/v2/topics/{name}/subscriptions", json={"subscriber": hook.url()})
        assert_json(r, 201)
    r = api.post(f"/v2/topics/{name}/messages", json={"messages": [{"body": "news", "ttl": 120}]})
    [mid] = [h.rsplit("/", 1)[1] for h in assert_json(r, 201)["resources"]]
    post(api, name, "to the queue of the same name, which has no subscribers")
    for hook in hooks:
        assert hook.bodies(1) == [{"body": "news", "ttl": 120, "queue_name": name,
                                   "Message_Type": "Notification", "message_id": mid}]
    r = api.post(f"/v2/topics/{name}/messages", json={"messages": [{"body": "sentinel"}]})
    [sentinel] = [h.rsplit("/", 1)[1] for h in assert_json(r, 201)["resources"]]
    for hook in hooks:
        assert hook.message_ids(2) == [mid, sentinel]  # the queue's post reached neither


def test_retries_follow_the_policy_then_succeed(make_server, receivers):
    api = Api(make_server())
    hook = receivers(failures=2)
    queue = unique()
    subscribe(api, queue, hook.url(), {"_retry_policy": SHORT_POLICY})
    [mid] = post(api, queue, "eventually")
    got = hook.wait_for(3)
    times = [t for t, _, _, _ in got]
    # First try fails, the immediate retry fails, the retry after minimum_delay (1 s) succeeds.
    assert times[1] - times[0] < 0.8
    assert 0.9 <= times[2] - times[1] < 2.5
    assert all(json.loads(b)["message_id"] == mid for _, _, _, b in got)
    [sentinel] = post(api, queue, "sentinel")
    assert hook.message_ids(4)[3] == sentinel  # no attempt after the success
    assert messages_of(api, "notification_failures") == []


def test_exhausted_retries_land_in_the_dead_letter_queue(make_server, receivers):
    api = Api(make_server())
    hook = receivers(failures=1000)
    queue = unique()
    sid = subscribe(api, queue, hook.url(), {"_retry_policy": SHORT_POLICY})
    [mid] = post(api, queue, {"important": True})

    # 1 try + retries after 0 s, 1 s (linear backoff from 1) and 6 s: 4 attempts.
    got = hook.wait_for(4)
    gaps = [b[0] - a[0] for a, b in zip(got, got[1:])]
    assert gaps[0] < 0.8 and 0.9 <= gaps[1] < 2.5 and 5.9 <= gaps[2] < 7.5, gaps

    [record] = wait_until(lambda: messages_of(api, "notification_failures"), 10,
                          "a dead-letter record")
    assert record["body"]["Message_Type"] == "NotificationFailure"
    assert record["body"]["subscription_id"] == sid
    assert record["body"]["subscriber"] == hook.url()
    assert record["body"]["queue_name"] == queue
    assert record["body"]["message_id"] == mid
    assert record["body"]["attempts"] == 4
    assert record["body"]["last_error"] == "HTTP 500"
    assert record["body"]["notification"]["body"] == {"important": True}
    [sentinel] = post(api, queue, "sentinel")
    assert hook.message_ids(5)[4] == sentinel  # nothing after giving up


def test_subscription_option_names_its_own_dead_letter_queue(make_server, receivers):
    api = Api(make_server(notification_dead_letter_queue=""))
    hook = receivers(failures=1000)
    queue = unique()
    policy = dict(SHORT_POLICY, retries_with_no_delay=0, minimum_delay=0, maximum_delay=10)
    subscribe(api, queue, hook.url(), {"_retry_policy": policy, "_dead_letter_queue": "my-dlq"})
    [mid] = post(api, queue, "lost")
    records = wait_until(lambda: messages_of(api, "my-dlq"), WAIT, "a dead-letter record")
    assert records[0]["body"]["message_id"] == mid


def test_deleted_subscription_gets_no_more_retries(make_server, receivers):
    api = Api(make_server())
    hook = receivers(failures=1000)
    queue = unique()
    policy = dict(SHORT_POLICY, retries_with_no_delay=0, minimum_delay_retries=5,
                  minimum_delay=2, maximum_delay=12)
    sid = subscribe(api, queue, hook.url(), {"_retry_policy": policy})
    post(api, queue, "x")
    [(first_attempt, _, _, _)] = hook.wait_for(1)
    assert api.delete(f"/v2/queues/{queue}/subscriptions/{sid}").status_code == 204
    # The retry is stored with minimum_delay (2 s). Waiting for that delay to pass is what is
    # tested: only then can the retry be claimed (and must be dropped). Then a sentinel to the
    # same URL, stored after the retry, shows that the retry has been dealt with.
    time.sleep(max(0.0, first_attempt + 2.5 - time.monotonic()))
    subscribe(api, queue, hook.url())
    [sentinel] = post(api, queue, "sentinel")
    assert hook.message_ids(2)[1] == sentinel


def write_sendmail(tmp_path):
    """A sendmail stand-in: appends its arguments and the mail it reads to mail.txt."""
    out = tmp_path / "mail.txt"
    script = tmp_path / "sendmail"
    script.write_text(f'#!/bin/sh\necho "ARGS: $*" >> {out}\ncat >> {out}\n'
                      f'echo "--END--" >> {out}\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script, out


def test_mailto_pipes_the_notification_to_sendmail(make_server, tmp_path):
    script, out = write_sendmail(tmp_path)
    api = Api(make_server(notification_smtp_command=f"{script} -t -oi"))
    queue = unique()
    subscribe(api, queue, "mailto:ops@example.org?subject=Queue%20news",
              {"from": "zaqar@example.org", "subject": "not this one"})
    [mid] = post(api, queue, {"hello": "mail"})
    wait_until(lambda: out.exists() and "--END--" in out.read_text(), WAIT, "sendmail's run")
    text = out.read_text()
    assert text.startswith("ARGS: -t -oi\n")
    headers, body = text.split("\n\n", 1)
    assert "To: ops@example.org" in headers.splitlines()
    assert "From: zaqar@example.org" in headers.splitlines()
    assert "Subject: Queue news" in headers.splitlines()
    assert json.loads(body.replace("--END--", "").strip()) == {
        "body": {"hello": "mail"}, "ttl": 3600, "queue_name": queue,
        "Message_Type": "Notification", "message_id": mid}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_pending_notifications_survive_sigkill(make_server, receivers):
    server = make_server(notification_delivery_timeout_seconds=1)
    api = Api(server)
    port = free_port()  # nothing listens there yet: every attempt is refused
    queue = unique()
    policy = dict(SHORT_POLICY, retries_with_no_delay=0, minimum_delay_retries=1000,
                  minimum_delay=1, maximum_delay=11)
    subscribe(api, queue, f"http://127.0.0.1:{port}/late", {"_retry_policy": policy})
    ids = []
    for n in range(5):
        ids += post(api, queue, {"n": n})

    server.restart(hard=True)  # SIGKILL right after the 201s, then start on the same store
    hook = receivers(port=port)

    got = hook.distinct_messages(ids, timeout=45)
    assert got == {mid: {"n": n} for n, mid in enumerate(ids)}


def test_confirmation_is_signed_and_gates_delivery(make_server, receivers):
    server = make_server(notification_require_confirmation="true", signed_url_secret_key="k3y")
    api = Api(server)
    hook = receivers()
    queue = unique()
    sid = subscribe(api, queue, hook.url(), ttl=600)
    [confirmation] = hook.bodies(1)
    assert confirmation["Message_Type"] == "SubscriptionConfirmation"
    assert confirmation["Message"] == f"You have chosen to subscribe to the queue: {queue}"
    assert confirmation["URL-Methods"] == "PUT"
    assert confirmation["URL-Paths"] == f"/v2/queues/{queue}/subscriptions/{sid}/confirm"
    assert confirmation["X-Project-ID"] == api.project_id
    assert confirmation["SubscribeBody"] == {"confirmed": True}
    assert confirmation["UnsubscribeBody"] == {"confirmed": False}

    # Sentinels here are confirmations of subscriptions (same URL) to other queues: they are
    # sent whether or not anything is confirmed.
    def sentinel():
        other = unique()
        subscribe(api, other, hook.url(), ttl=600)
        return f"You have chosen to subscribe to the queue: {other}"

    post(api, queue, "before confirmation")
    expected = sentinel()
    # Unconfirmed: nothing but the confirmations.
    assert [b["Message"] for b in hook.bodies(2)] == [confirmation["Message"], expected]

    # The subscriber confirms with the signed URL alone (python-zaqarclient's signed-url way).
    def confirm(link, body):
        return Api(server).put(
            link["URL-Paths"], json=body,
            headers={"URL-Signature": link["URL-Signature"], "URL-Expires": link["URL-Expires"],
                     "URL-Methods": link["URL-Methods"], "URL-Paths": link["URL-Paths"],
                     "X-Project-ID": link["X-Project-ID"]})

    assert confirm(confirmation, confirmation["SubscribeBody"]).status_code == 204
    [mid] = post(api, queue, "after confirmation")
    second = hook.bodies(3)[2]
    assert (second["message_id"], second["body"]) == (mid, "after confirmation")

    # Unsubscribing: an UnsubscribeConfirmation with a fresh link, then nothing more.
    assert confirm(confirmation, confirmation["UnsubscribeBody"]).status_code == 204
    goodbye = hook.bodies(4)[3]
    assert goodbye["Message_Type"] == "UnsubscribeConfirmation"
    assert goodbye["Message"] == (f"You have unsubscribed successfully to the queue: {queue}, "
                                  "you can resubscribe it by using confirmed=True.")
    assert goodbye["URL-Paths"] == confirmation["URL-Paths"]
    post(api, queue, "after unsubscribing")
    expected = sentinel()
    assert hook.bodies(5)[4].get("Message") == expected  # nothing for the unsubscribed


@pytest.mark.skipif(STORAGE == "sqlite", reason="two servers need a shared store: run with "
                    "MARCONI_E2E_STORAGE=redis or redis-cluster")
def test_two_heads_share_the_outbox_and_survive_one_dying(tmp_path, receivers, monkeypatch):
    # No subscription-list caching, so either head sees the subscription at once.
    monkeypatch.setenv("MARCONI_STORAGE_METADATA_CACHE_SECONDS", "0")
    monkeypatch.setenv("MARCONI_NOTIFICATION_DELIVERY_TIMEOUT_SECONDS", "1")
    prefix = unique("e2e")
    heads = [ServerProcess(tmp_path, tmp_path / f"h{i}.db", store_key=prefix).start()
             for i in range(2)]
    try:
        first = Api(heads[0])
        second = Api(heads[1], project_id=first.project_id)
        hook = receivers()
        queue = unique()
        subscribe(first, queue, hook.url())
        ids = []
        for n in range(10):
            ids += post(first if n % 2 else second, queue, {"n": n})
        assert sorted(b["message_id"] for b in hook.bodies(10)) == sorted(ids)
        # Each once, though two heads deliver. A sentinel through each head: each head's
        # dispatcher serves the subscriber in outbox order, so a repeat that either holds
        # would come before the sentinel that head delivers (which head delivers which
        # sentinel is not known, hence one through each).
        sentinels = post(first, queue, "sentinel 1") + post(second, queue, "sentinel 2")
        wait_until(lambda: {b["message_id"] for b in hook.bodies(len(hook.requests), 0)}
                   >= set(sentinels), WAIT, "both sentinels")
        assert sorted(hook.message_ids(len(hook.requests), 0)) == sorted(ids + sentinels)

        # Head 0 dies holding pending jobs (their subscriber is down): head 1 delivers them.
        port = free_port()
        late = unique()
        policy = dict(SHORT_POLICY, retries_with_no_delay=0, minimum_delay_retries=1000,
                      minimum_delay=1, maximum_delay=11)
        subscribe(first, late, f"http://127.0.0.1:{port}/late", {"_retry_policy": policy})
        late_ids = post(first, late, "a", "b", "c", "d")
        heads[0].kill()
        hook_late = receivers(port=port)
        assert set(hook_late.distinct_messages(late_ids, timeout=45)) == set(late_ids)
    finally:
        for head in heads:
            if head.alive():
                head.stop()


def test_hanging_subscribers_of_one_project_hold_only_their_share(make_server, receivers):
    share = 4
    server = make_server(notification_max_notifier_workers=10,
                         notification_max_notifier_workers_per_project=share,
                         notification_delivery_timeout_seconds=5)
    tenant_a, tenant_b = Api(server), Api(server)
    assert tenant_a.project_id != tenant_b.project_id
    hang = HangingServer()
    try:
        queue_a = unique()
        for i in range(30):
            subscribe(tenant_a, queue_a, hang.url(f"/hang/{i}"))
        for n in range(3):
            post(tenant_a, queue_a, {"n": n})  # 90 jobs, all ahead of b's in the outbox
        hang.wait_until(lambda: hang.open >= share, "a's first attempts")

        hook = receivers()
        queue_b = unique()
        subscribe(tenant_b, queue_b, hook.url())
        [mid] = post(tenant_b, queue_b, "b is not kept waiting")
        [body] = hook.bodies(1)
        assert body["message_id"] == mid
        with hang._lock:
            assert hang.open > 0  # b was served while a's subscribers still hung
            assert hang.max_open <= share

        # a's attempts time out and it starts others: still never more than its share.
        hang.wait_until(lambda: hang.total >= 2 * share, "a's next attempts")
        assert hang.max_open <= share
    finally:
        hang.stop()
