"""auth strategy keystone against a real Keystone (the session `keystone` fixture): identity from
the token, 401s with Keystone's challenge, revocation and expiry through the cache, project
spoofing, admin routes, the cache and shared validations (counted in Keystone's request log),
Keystone down or hung, the cost of a validation, and the real `openstack messaging` CLI.

Keystone's checks do not depend on the store, so they run in the SQLite e2e run only."""

import json
import os
import shutil
import socket
import ssl
import statistics
import subprocess
import sys
import threading
import time
import uuid

import pytest
import requests

from conftest import HEADS, KEYSTONE_USERS, STORAGE, Api
from e2e_helpers import assert_error, assert_json, unique, wait_until

pytestmark = pytest.mark.skipif(
    STORAGE != "sqlite" or HEADS != 1,
    reason="Keystone checks do not depend on the store: they run in the sqlite e2e run")

UNAUTHORIZED = {"title": "Unauthorized",
                "description": "The request you have made requires authentication."}
NOT_AUTHORIZED = {"title": "Not authorized",
                  "description": "You are not authorized to complete this action."}


def client(server, token, project_id=None):
    """A session sending `token`; X-Project-ID only when given (Marconi fills it in)."""
    session = Api(server, token=token)
    del session.headers["X-Project-ID"]
    if project_id is not None:
        session.headers["X-Project-ID"] = project_id
    return session


def queue_names(session):
    return [q["name"] for q in assert_json(session.get("/v2/queues"), 200)["queues"]]


def assert_401(response, keystone):
    assert assert_error(response, 401) == UNAUTHORIZED
    assert response.headers["WWW-Authenticate"] == f'Keystone uri="{keystone.server.url}"'


def sleep_until(moment):
    """Sleeps until the wall-clock `moment` (a token's expiry, a cache period's end): the time
    passing is what the caller tests."""
    delay = moment - time.time()
    if delay > 0:
        time.sleep(delay)


def expires_at(token_body):
    """A token body's expires_at as a Unix time."""
    from datetime import datetime, timezone
    text = token_body["expires_at"].replace("Z", "+00:00")
    return datetime.fromisoformat(text).astimezone(timezone.utc).timestamp()


def test_valid_token_acts_in_the_tokens_project(keystone, keystone_server):
    srv = keystone_server()
    token, body = keystone.login("alice")
    acme = keystone.project_ids["acme"]
    assert body["project"]["id"] == acme
    alice = client(srv, token)
    name = unique()
    assert alice.put(f"/v2/queues/{name}").status_code == 201
    # The queue is in acme's project: another acme user sees it, a globex user does not, and
    # naming the token's own project explicitly is fine.
    carol = client(srv, keystone.login("carol")[0], project_id=acme)
    assert name in queue_names(carol)
    assert name not in queue_names(client(srv, keystone.login("bob")[0]))
    # Roles and user come from the token: X-Roles is ignored (alice is no admin).
    alice.headers["X-Roles"] = "admin"
    assert alice.put(f"/v2/queues/{unique()}").status_code == 201


def test_missing_or_bogus_token_is_401_with_the_keystone_challenge(keystone, keystone_server):
    srv = keystone_server()
    anonymous = Api(srv)
    assert_401(anonymous.get("/v2/queues"), keystone)
    assert_401(anonymous.get("/v2/no/such/path"), keystone)
    bogus = client(srv, "gAAAAAB" + uuid.uuid4().hex * 4)
    assert_401(bogus.get("/v2/queues"), keystone)
    assert_401(client(srv, "not-a-token").put(f"/v2/queues/{unique()}"), keystone)
    # The versions document needs no token, as in Zaqar.
    r = requests.get(srv.url + "/", timeout=10)
    assert r.status_code == 300, r.text


def test_www_authenticate_uri_is_configurable(keystone, keystone_server):
    srv = keystone_server(keystone_authtoken_www_authenticate_uri="https://id.example.com/v3")
    r = Api(srv).get("/v2/queues")
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == 'Keystone uri="https://id.example.com/v3"'


def test_another_projects_id_is_refused(keystone, keystone_server):
    srv = keystone_server()
    token, _ = keystone.login("alice")
    spoofing = client(srv, token, project_id=keystone.project_ids["globex"])
    refused = {"title": "Not authorized", "description": "The X-Project-ID header does not "
               "match the project of the credentials."}
    assert assert_error(spoofing.get("/v2/queues"), 403) == refused
    assert assert_error(spoofing.put(f"/v2/queues/{unique()}"), 403) == refused
    assert queue_names(client(srv, keystone.login("bob")[0])) == []


def test_admin_route_needs_the_admin_role(keystone, keystone_server):
    srv = keystone_server(server_admin_mode="true")
    member = client(srv, keystone.login("alice")[0])
    assert assert_error(member.get("/v2/health"), 403) == NOT_AUTHORIZED
    admin = client(srv, keystone.login("carol")[0])
    assert admin.get("/v2/health").status_code == 200


def test_second_request_is_answered_from_the_cache(keystone, keystone_server):
    srv = keystone_server()
    token, _ = keystone.login("alice")
    alice = client(srv, token)
    before = keystone.server.validations()
    assert alice.get("/v2/queues").status_code == 200
    assert keystone.server.validations() == before + 1
    for _ in range(5):
        assert alice.get("/v2/queues").status_code == 200
    assert keystone.server.validations() == before + 1
    # A refused token is remembered too.
    bogus = client(srv, "bogus-" + uuid.uuid4().hex)
    assert bogus.get("/v2/queues").status_code == 401
    assert bogus.get("/v2/queues").status_code == 401
    assert keystone.server.validations() == before + 2


def test_concurrent_requests_with_one_new_token_share_one_validation(keystone, keystone_server):
    srv = keystone_server(keystone_authtoken_http_connect_timeout=5)
    token, _ = keystone.login("alice")
    results = []
    before = keystone.server.validations()
    # Keystone holds still while the requests arrive, so they all wait for the same call.
    keystone.server.pause()
    try:
        def one():
            results.append(client(srv, token).get("/v2/queues").status_code)

        threads = [threading.Thread(target=one) for _ in range(8)]
        for t in threads:
            t.start()
        # No event says that all 8 requests have reached the server and wait on the one
        # validation: a grace period. Too short makes the test fail (two validations), never
        # pass wrongly.
        time.sleep(0.5)
    finally:
        keystone.server.resume()
    for t in threads:
        t.join(timeout=10)
    assert results == [200] * 8
    assert keystone.server.validations() == before + 1


def test_revoked_token_is_refused_once_the_cache_time_is_over(keystone, keystone_server):
    srv = keystone_server(keystone_authtoken_token_cache_time=4)
    token, _ = keystone.login("alice")
    alice = client(srv, token)
    assert alice.get("/v2/queues").status_code == 200
    first_check = time.time()
    keystone.server.revoke(token)
    # Keystone refuses it at once; Marconi trusts its cached answer for token_cache_time.
    assert alice.get("/v2/queues").status_code == 200
    sleep_until(first_check + 4.5)
    assert_401(alice.get("/v2/queues"), keystone)


def test_expired_token_is_refused_even_within_the_cache_time(keystone, keystone_server):
    srv = keystone_server()  # token_cache_time = 300, far longer than the token lives
    token, body = keystone.login("alice")
    alice = client(srv, token)
    assert alice.get("/v2/queues").status_code == 200
    sleep_until(expires_at(body) + 0.5)
    assert_401(alice.get("/v2/queues"), keystone)
    # Marconi's own service token expired meanwhile too: it logged in again on its own.
    assert client(srv, keystone.login("alice")[0]).get("/v2/queues").status_code == 200


def test_keystone_hung_or_down_means_503_for_new_tokens_only(keystone, keystone_server):
    srv = keystone_server(keystone_authtoken_http_connect_timeout=1)
    cached = client(srv, keystone.login("alice")[0])
    assert cached.get("/v2/queues").status_code == 200
    fresh_tokens = [keystone.login("bob")[0] for _ in range(2)]

    keystone.server.pause()  # accepts connections, never answers
    try:
        started = time.monotonic()
        r = client(srv, fresh_tokens[0]).get("/v2/queues")
        waited = time.monotonic() - started
        assert assert_error(r, 503)["title"] == "Service temporarily unavailable"
        assert r.headers["Retry-After"] == "1"
        assert waited < 3, waited  # http_connect_timeout = 1
        assert cached.get("/v2/queues").status_code == 200
    finally:
        keystone.server.resume()

    keystone.server.stop()
    try:
        started = time.monotonic()
        r = client(srv, fresh_tokens[1]).get("/v2/queues")
        assert assert_error(r, 503)["title"] == "Service temporarily unavailable"
        assert time.monotonic() - started < 1  # connection refused: no waiting
        # The cached token does not need Keystone at all.
        assert cached.get("/v2/queues").status_code == 200
    finally:
        keystone.server.start()
    # Back up: the token that got 503 was never cached as bad (that would be a 401 from now on).
    # A restarted Keystone answers its first validations slowly, past this server's 1 s timeout
    # on a loaded machine. One validation of our own warms it; Marconi's may still time out a
    # few times after that, and each such answer must be the 503 of a slow Keystone, never a 401.
    keystone.server.validate(fresh_tokens[1])
    answers = []

    def accepted():
        answers.append(client(srv, fresh_tokens[1]).get("/v2/queues").status_code)
        return answers[-1] == 200

    wait_until(accepted, 30, "the 503'd token accepted once Keystone is back")
    assert set(answers[:-1]) <= {503}, answers


def median_ms(session, path, count):
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        r = session.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert r.status_code == 204, r.text
    return statistics.median(timings)


def test_validation_cost_with_and_without_a_cache_hit(keystone, keystone_server, make_server):
    """Prints the median request time on one keep-alive connection for GET /v2/ping without
    authentication, with a cached token, and with token_cache_time = 0 (Keystone asked on every
    request); the differences are what validation costs. Run with -s to see it."""
    count = 100
    baseline_srv = make_server()
    with Api(baseline_srv) as s:
        median_ms(s, "/v2/ping", 10)
        baseline = median_ms(s, "/v2/ping", count)
    cached_srv = keystone_server()
    with client(cached_srv, keystone.login("alice")[0]) as s:
        median_ms(s, "/v2/ping", 10)
        cached = median_ms(s, "/v2/ping", count)
    uncached_srv = keystone_server(keystone_authtoken_token_cache_time=0)
    with client(uncached_srv, keystone.login("alice")[0]) as s:
        median_ms(s, "/v2/ping", 10)
        uncached = median_ms(s, "/v2/ping", count)
    print(f"\nkeystone validation cost (median of {count} GET /v2/ping): no auth "
          f"{baseline:.2f} ms, cached token {cached:.2f} ms (+{cached - baseline:.2f}), "
          f"Keystone asked every time {uncached:.2f} ms (+{uncached - baseline:.2f})",
          file=sys.stderr)
    assert cached < uncached


def openstack(keystone, user, *args):
    """Runs the real `openstack` CLI as `user` against the session's Keystone."""
    password, project, _ = KEYSTONE_USERS[user]
    env = dict(os.environ, OS_AUTH_URL=keystone.server.v3, OS_IDENTITY_API_VERSION="3",
               OS_USERNAME=user, OS_PASSWORD=password, OS_PROJECT_NAME=project,
               OS_USER_DOMAIN_NAME="Default", OS_PROJECT_DOMAIN_NAME="Default",
               OS_REGION_NAME="RegionOne", OS_INTERFACE="public",
               OS_MESSAGE_CLIENT_ID=str(uuid.uuid4()))
    for name in ("OS_CLOUD", "OS_TOKEN", "OS_PROJECT_ID"):
        env.pop(name, None)
    done = subprocess.run(["openstack", *args], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, f"openstack {' '.join(args)}:\n{done.stderr}\n{done.stdout}"
    return done.stdout


def test_openstack_messaging_cli_through_keystone(keystone, keystone_server):
    srv = keystone_server()
    keystone.server.register_endpoint("messaging", "zaqar", srv.url)
    name = unique()
    openstack(keystone, "alice", "messaging", "queue", "create", name)
    queues = json.loads(openstack(keystone, "alice", "messaging", "queue", "list", "-f", "json"))
    assert name in [q["Name"] for q in queues]
    messages = json.dumps([{"body": {"task": "resize", "n": i}, "ttl": 300} for i in range(3)])
    openstack(keystone, "alice", "messaging", "message", "post", name, messages)
    claimed = json.loads(openstack(keystone, "alice", "messaging", "claim", "create", name,
                                   "--ttl", "60", "--grace", "60", "--limit", "2", "-f", "json"))
    assert len(claimed) == 2
    assert sorted(m["Messages"]["n"] for m in claimed) == [0, 1]  # "Messages": the body
    listed = json.loads(openstack(keystone, "alice", "messaging", "message", "list", name,
                                  "--include-claimed", "-f", "json"))
    assert len(listed) == 3
    # Everything happened in alice's project, as the token says; bob's project has no queue.
    alice = client(srv, keystone.login("alice")[0])
    assert name in queue_names(alice)
    stats = assert_json(alice.get(f"/v2/queues/{name}/stats"), 200)["messages"]
    assert (stats["claimed"], stats["free"]) == (2, 1)
    bob_queues = json.loads(openstack(keystone, "bob", "messaging", "queue", "list", "-f", "json"))
    assert name not in [q["Name"] for q in bob_queues]


def make_certificate(directory, san):
    """A self-signed certificate (and key) for `san`, e.g. "IP:127.0.0.1"."""
    cert, key = directory / "keystone.pem", directory / "keystone.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=keystone", "-addext", f"subjectAltName={san}",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


class TlsFront:
    """Terminates TLS on a free loopback port and forwards each connection to Keystone's plain
    port (Keystone closes every connection after one response), as a TLS proxy in front of
    Keystone would."""

    def __init__(self, cert, key, target_port):
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            try:
                sink.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def _serve(self, conn):
        try:
            tls = self.context.wrap_socket(conn, server_side=True)
        except (OSError, ssl.SSLError):
            conn.close()  # e.g. the client refused our certificate
            return
        with tls, socket.create_connection(("127.0.0.1", self.target_port)) as upstream:
            back = threading.Thread(target=self._pump, args=(upstream, tls), daemon=True)
            back.start()
            self._pump(tls, upstream)
            back.join(timeout=10)

    def close(self):
        self.listener.close()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl CLI")
def test_https_keystone_is_verified(keystone, keystone_server, tmp_path):
    cert, key = make_certificate(tmp_path, "IP:127.0.0.1")
    front = TlsFront(cert, key, keystone.server.port)
    try:
        url = f"https://127.0.0.1:{front.port}"
        trusting = keystone_server(keystone_authtoken_auth_url=url,
                                   keystone_authtoken_cafile=cert)
        token, _ = keystone.login("alice")
        assert client(trusting, token).get("/v2/queues").status_code == 200
        # Without our CA the certificate is not trusted: Keystone is unreachable, not a 401.
        untrusting = keystone_server(keystone_authtoken_auth_url=url,
                                     keystone_authtoken_cafile="")
        assert assert_error(client(untrusting, token).get("/v2/queues"), 503)
        assert "certificate verify failed" in untrusting.stderr_text()
    finally:
        front.close()
    # A certificate for another name than the URL's host is refused too.
    other_dir = tmp_path / "other"
    other_dir.mkdir()
    other_cert, other_key = make_certificate(other_dir, "DNS:keystone.example")
    front = TlsFront(other_cert, other_key, keystone.server.port)
    try:
        mismatched = keystone_server(keystone_authtoken_auth_url=f"https://127.0.0.1:{front.port}",
                                     keystone_authtoken_cafile=other_cert)
        assert assert_error(client(mismatched, token).get("/v2/queues"), 503)
    finally:
        front.close()


# --- Keystone trusts for trust+http(s) subscribers (Zaqar's TrustTask) ---------------------

def as_user(srv, keystone, user="alice"):
    """A session with a fresh token (the session's Keystone issues 10 s tokens)."""
    return client(srv, keystone.login(user)[0])


def trust_subscription(srv, keystone, queue, subscriber, options=None):
    """Creates a trust+ subscription as alice; returns (subscription id, its trust id)."""
    alice = as_user(srv, keystone)
    r = alice.post(f"/v2/queues/{queue}/subscriptions",
                   json={"subscriber": subscriber, "ttl": 600, "options": options or {}})
    assert r.status_code == 201, srv.log_text()[-3000:]
    sid = r.json()["subscription_id"]
    got = assert_json(alice.get(f"/v2/queues/{queue}/subscriptions/{sid}"), 200)
    # Stored in the options, as Zaqar stores it (and shows it).
    return sid, got["options"]["trust_id"]


def test_trust_subscriber_gets_a_token_from_a_trust(keystone, keystone_server):
    from test_notifications import Receiver
    srv = keystone_server()
    hook = Receiver()
    try:
        queue = unique()
        _, trust_id = trust_subscription(srv, keystone, queue, "trust+" + hook.url())
        r = as_user(srv, keystone).post(f"/v2/queues/{queue}/messages",
                                        json={"messages": [{"body": {"n": 1}, "ttl": 60}]})
        assert_json(r, 201)
        [(_, path, headers, body)] = hook.wait_for(1)
        assert path == "/hook"  # trust+ stripped
        assert json.loads(body)["body"] == {"n": 1}
        # A token from the trust, impersonating alice in acme, valid when it arrives.
        token = keystone.server.validate(headers["X-Auth-Token"])["token"]
        assert token["OS-TRUST:trust"]["id"] == trust_id
        assert token["user"]["id"] == keystone.user_ids["alice"]
        assert token["project"]["id"] == keystone.project_ids["acme"]
    finally:
        hook.stop()


def test_trust_subscriber_may_be_another_queue(keystone, keystone_server):
    """The zaqar-tempest-plugin's test_trust_subscription: a subscriber that is a Marconi
    queue's messages URL gets each notification as a message, authenticated by the trust."""
    srv = keystone_server()
    source, target = unique(), unique()
    post_data = json.dumps({"messages": [{"body": "$zaqar_message$", "ttl": 60}]})
    options = {"post_data": post_data,
               "post_headers": {"X-Project-ID": keystone.project_ids["acme"],
                                "Client-ID": str(uuid.uuid4())}}
    trust_subscription(srv, keystone, source,
                       f"trust+{srv.url}/v2/queues/{target}/messages", options)
    assert_json(as_user(srv, keystone).post(
        f"/v2/queues/{source}/messages", json={"messages": [{"body": {"n": 2}, "ttl": 60}]}), 201)

    def arrived():
        r = as_user(srv, keystone).get(f"/v2/queues/{target}/messages",
                                       params={"echo": "true"})
        return r.status_code == 200 and r.json()["messages"]
    [message] = wait_until(arrived, 30, "the notification in the target queue")
    assert message["body"]["body"] == {"n": 2}
    assert message["body"]["queue_name"] == source
    assert message["body"]["Message_Type"] == "Notification"


def test_revoked_trust_fails_delivery_per_retry_policy(keystone, keystone_server):
    from test_notifications import SHORT_POLICY, Receiver
    srv = keystone_server()
    hook = Receiver()
    try:
        queue = unique()
        sid, trust_id = trust_subscription(srv, keystone, queue, "trust+" + hook.url(),
                                           {"_retry_policy": SHORT_POLICY})
        # The trustor revokes the trust (DELETE as the user who made it).
        r = requests.delete(f"{keystone.server.v3}/OS-TRUST/trusts/{trust_id}",
                            headers={"X-Auth-Token": keystone.login("alice")[0]}, timeout=10)
        assert r.status_code == 204, r.text
        assert_json(as_user(srv, keystone).post(
            f"/v2/queues/{queue}/messages",
            json={"messages": [{"body": "lost", "ttl": 300}]}), 201)

        # 1 try + 3 retries (0 s, 1 s, 6 s), none reaching the subscriber, then the record.
        def record():
            r = as_user(srv, keystone).get("/v2/queues/notification_failures/messages",
                                           params={"echo": "true"})
            return r.status_code == 200 and r.json()["messages"]
        [failure] = wait_until(record, 30, "a dead-letter record")
        assert failure["body"]["subscription_id"] == sid
        assert failure["body"]["attempts"] == 4
        assert trust_id in failure["body"]["last_error"]
        assert hook.requests == []
    finally:
        hook.stop()


def test_trust_subscriber_without_keystone_is_called_plainly(make_server):
    """Under noauth there are no trusts: a trust+ subscriber is called as plain http."""
    from test_notifications import Receiver
    hook = Receiver()
    try:
        api = Api(make_server())
        queue = unique()
        r = api.post(f"/v2/queues/{queue}/subscriptions",
                     json={"subscriber": "trust+" + hook.url(), "ttl": 600})
        sid = assert_json(r, 201)["subscription_id"]
        assert "trust_id" not in assert_json(
            api.get(f"/v2/queues/{queue}/subscriptions/{sid}"), 200)["options"]
        assert_json(api.post(f"/v2/queues/{queue}/messages",
                             json={"messages": [{"body": 1, "ttl": 60}]}), 201)
        [(_, _, headers, _)] = hook.wait_for(1)
        assert "X-Auth-Token" not in headers
    finally:
        hook.stop()


def test_trust_subscription_made_over_websocket(keystone, keystone_server):
    """subscription_create on a socket authenticated with a Keystone token makes the trust too."""
    from test_notifications import Receiver
    from test_websocket import Socket
    srv = keystone_server()
    hook = Receiver()
    sock = Socket(srv, project=keystone.project_ids["acme"])
    try:
        r = sock.send("authenticate", headers=sock.headers(
            **{"X-Auth-Token": keystone.login("alice")[0]}))
        assert r["headers"]["status"] == 200, r
        queue = unique()
        r = sock.send("subscription_create",
                      {"queue_name": queue, "subscriber": "trust+" + hook.url(), "ttl": 600})
        assert r["headers"]["status"] == 201, r
        sid = r["body"]["subscription_id"]
        alice = as_user(srv, keystone)
        got = assert_json(alice.get(f"/v2/queues/{queue}/subscriptions/{sid}"), 200)
        trust_id = got["options"]["trust_id"]
        assert_json(alice.post(f"/v2/queues/{queue}/messages",
                               json={"messages": [{"body": "ws", "ttl": 60}]}), 201)
        [(_, _, headers, _)] = hook.wait_for(1)
        token = keystone.server.validate(headers["X-Auth-Token"])["token"]
        assert token["OS-TRUST:trust"]["id"] == trust_id
    finally:
        sock.close()
        hook.stop()
