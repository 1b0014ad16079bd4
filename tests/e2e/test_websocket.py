"""The WebSocket transport (spec section 9): Zaqar's {"action","headers","body"} frames over a
real socket, text frames as JSON and binary frames as MessagePack, served by the same routes
as HTTP (what one transport writes the other reads), the error replies, `authenticate` on the
apikeys strategy, a listener of its own, shutdown, and python-zaqarclient's websocket
transport."""

import asyncio
import datetime
import json
import re
import signal
import socket
import time
import uuid

import msgpack
import pytest
import requests
import websocket  # websocket-client, python-zaqarclient's websocket library
import websockets  # asyncio client: many sockets at once

from conftest import KEYSTONE_TOKEN_SECONDS, REQUEST_TIMEOUT, Api, new_api_key
from e2e_helpers import exists, unique, wait_until

TIMEOUT = 10


def ws_url(server):
    return "ws://127.0.0.1:%d/" % server.port


class Socket:
    """One WebSocket with Zaqar's headers for one project."""

    def __init__(self, server, project=None, client_id=None, path="/", url=None, **options):
        self.project = project or f"e2e-{uuid.uuid4().hex[:16]}"
        self.client_id = client_id or str(uuid.uuid4())
        target = url or ws_url(server).rstrip("/") + path
        self.ws = websocket.create_connection(target, timeout=TIMEOUT, **options)

    def headers(self, **extra):
        h = {"Client-ID": self.client_id, "X-Project-ID": self.project}
        h.update(extra)
        return h

    def frame(self, action, body=None, headers=None):
        out = {"action": action, "headers": headers if headers is not None else self.headers()}
        if body is not None:
            out["body"] = body
        return out

    def send(self, action, body=None, binary=False, headers=None):
        """Sends one action and returns the reply envelope."""
        frame = self.frame(action, body, headers)
        if binary:
            self.ws.send_binary(msgpack.packb(frame))
        else:
            self.ws.send(json.dumps(frame))
        return self.receive(binary)

    def send_raw(self, data, binary):
        if binary:
            self.ws.send_binary(data)
        else:
            self.ws.send(data)
        return self.receive(binary)

    def receive(self, binary=False):
        opcode, data = self.ws.recv_data()
        if binary:
            assert opcode == websocket.ABNF.OPCODE_BINARY
            return msgpack.unpackb(data)
        assert opcode == websocket.ABNF.OPCODE_TEXT
        return json.loads(data)

    def close(self):
        self.ws.close()


def status(reply):
    return reply["headers"]["status"]


@pytest.fixture
def sock(server):
    s = Socket(server)
    yield s
    s.close()


def http_for(server, sock):
    return Api(server, project_id=sock.project, client_id=sock.client_id)


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_queue_actions_answer_as_zaqar(sock, binary):
    name = unique()
    r = sock.send("queue_create", {"queue_name": name, "metadata": {"color": "red"}}, binary)
    assert status(r) == 201 and r["body"] == f"Queue {name} created."
    assert r["request"] == {"action": "queue_create", "api": "v2", "headers": sock.headers(),
                            "body": {"queue_name": name, "metadata": {"color": "red"}}}
    r = sock.send("queue_create", {"queue_name": name}, binary)
    assert status(r) == 204 and r["body"] == f"Queue {name} created."
    r = sock.send("queue_get", {"queue_name": name}, binary)
    assert status(r) == 200 and r["body"]["color"] == "red"
    r = sock.send("queue_list", {"detailed": True}, binary)
    assert status(r) == 200
    assert [q["name"] for q in r["body"]["queues"]] == [name]
    assert r["body"]["queues"][0]["metadata"]["color"] == "red"
    r = sock.send("queue_get_stats", {"queue_name": name}, binary)
    assert status(r) == 200 and r["body"]["messages"]["total"] == 0
    r = sock.send("queue_purge", {"queue_name": name}, binary)
    assert status(r) == 204 and r["body"] == {}
    r = sock.send("queue_delete", {"queue_name": name}, binary)
    assert status(r) == 204 and r["body"] == f"Queue {name} removed."
    assert sock.send("queue_list", None, binary)["body"] == {"queues": []}


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_messages_and_claims_round_trip(sock, binary):
    name = unique()
    r = sock.send("message_post", {"queue_name": name, "messages": [
        {"ttl": 300, "body": {"n": 1, "f": 0.5, "s": "\u00e9"}}, {"ttl": 300, "body": [1, 2]}]},
        binary)
    assert status(r) == 201
    ids = r["body"]["message_ids"]
    assert len(ids) == 2
    r = sock.send("message_list", {"queue_name": name, "echo": True}, binary)
    assert status(r) == 200
    listed = r["body"]["messages"]
    assert [m["id"] for m in listed] == ids
    assert set(listed[0]) == {"id", "claim_id", "ttl", "age", "body"}
    assert listed[0]["body"] == {"n": 1, "f": 0.5, "s": "\u00e9"} and listed[0]["claim_id"] is None
    r = sock.send("message_get", {"queue_name": name, "message_id": ids[1]}, binary)
    assert status(r) == 200 and r["body"]["messages"]["body"] == [1, 2]
    r = sock.send("message_get_many", {"queue_name": name, "message_ids": ids}, binary)
    assert sorted(m["id"] for m in r["body"]["messages"]) == sorted(ids)

    r = sock.send("claim_create", {"queue_name": name, "ttl": 60, "grace": 60, "limit": 5},
                  binary)
    assert status(r) == 201
    claim = r["body"]["claim_id"]
    assert [m["id"] for m in r["body"]["messages"]] == ids
    assert all(m["claim_id"] == claim for m in r["body"]["messages"])
    r = sock.send("claim_create", {"queue_name": name}, binary)
    assert status(r) == 204 and r["body"] == {"claim_id": None}
    r = sock.send("claim_get", {"queue_name": name, "claim_id": claim}, binary)
    assert status(r) == 200 and r["body"]["ttl"] == 60 and len(r["body"]["messages"]) == 2
    r = sock.send("claim_update", {"queue_name": name, "claim_id": claim, "ttl": 120}, binary)
    assert status(r) == 204 and r["body"] == f"Claim {claim} updated."
    assert sock.send("claim_get", {"queue_name": name, "claim_id": claim}, binary)["body"]["ttl"] == 120

    r = sock.send("message_delete", {"queue_name": name, "message_id": ids[0]}, binary)
    assert status(r) == 403  # claimed: needs its claim id, as over HTTP
    r = sock.send("message_delete", {"queue_name": name, "message_id": ids[0], "claim_id": claim},
                  binary)
    assert status(r) == 204 and r["body"] == {}
    r = sock.send("claim_delete", {"queue_name": name, "claim_id": claim}, binary)
    assert status(r) == 204 and r["body"] == f"Claim {claim} deleted."
    r = sock.send("message_delete_many", {"queue_name": name, "pop": 1}, binary)
    assert status(r) == 200 and [m["id"] for m in r["body"]["messages"]] == [ids[1]]
    r = sock.send("message_delete_many", {"queue_name": name, "message_ids": ids}, binary)
    assert status(r) == 204 and r["body"] == {}
    r = sock.send("message_get", {"queue_name": name, "message_id": ids[1]}, binary)
    assert status(r) == 404 and r["body"]["error"]


def test_what_one_transport_writes_the_other_reads(server, sock):
    api = http_for(server, sock)
    name = unique()
    r = sock.send("message_post", {"queue_name": name, "messages": [{"ttl": 300, "body": "ws"}]})
    posted = r["body"]["message_ids"][0]
    got = api.get(f"/v2/queues/{name}/messages/{posted}")
    assert got.status_code == 200 and got.json()["body"] == "ws"
    r = api.post(f"/v2/queues/{name}/messages", json={"messages": [{"body": "http"}]})
    assert r.status_code == 201, r.text
    via_http = r.json()["resources"][0].rsplit("/", 1)[1]
    listed = sock.send("message_list", {"queue_name": name, "echo": True})["body"]["messages"]
    assert [m["id"] for m in listed] == [posted, via_http]
    claim = sock.send("claim_create", {"queue_name": name, "limit": 1})["body"]["claim_id"]
    r = api.get(f"/v2/queues/{name}/claims/{claim}")
    assert r.status_code == 200 and r.json()["messages"][0]["id"] == posted
    # Another project sees nothing of it, over either transport.
    other = Socket(server)
    try:
        r = other.send("message_list", {"queue_name": name})
        assert status(r) == 200 and r["body"] == {"messages": []}
    finally:
        other.close()


def test_errors_mirror_zaqar(sock):
    r = sock.send_raw("{not json", binary=False)
    assert status(r) == 400
    assert r["body"]["error"].startswith("Can't decode text (JSON) request. ")
    assert r["request"] == {"action": None, "body": {}, "headers": {}, "api": "v2"}
    r = sock.send_raw(b"\xc1", binary=True)
    assert status(r) == 400
    assert r["body"]["error"].startswith("Can't decode binary (MessagePack) request. ")
    r = sock.send_raw("[1, 2]", binary=False)
    assert status(r) == 400
    assert r["body"] == {"error": "Unexpected body type. Expected dict or dict like."}
    r = sock.send("queue_rename", {"queue_name": "q"})
    assert status(r) == 400 and r["body"] == {"error": "queue_rename is not a valid action"}
    r = sock.send("message_post", {"queue_name": "q"})
    assert status(r) == 400 and r["body"] == {"error": "Schema validation failed."}
    r = sock.send("queue_list", {}, headers={"X-Project-ID": sock.project})
    assert status(r) == 400 and r["body"] == {"error": "Schema validation failed."}
    # The route's own checks, as over HTTP.
    r = sock.send("queue_create", {"queue_name": "no spaces"})
    assert status(r) == 400 and "error" in r["body"]
    r = sock.send("queue_list", {}, headers=sock.headers(**{"Client-ID": "not-a-uuid"}))
    assert status(r) == 400
    r = sock.send("claim_get", {"queue_name": unique(), "claim_id": "51db6f78c508f17ddc924357"})
    assert status(r) == 404
    r = sock.send("pool_list", {"pool_name": "p"})
    assert status(r) == 404  # served in admin mode with pooling on only, as over HTTP
    # The socket is still usable after all of that.
    assert status(sock.send("queue_list")) == 200


def test_authenticate_under_noauth_answers_200(sock):
    r = sock.send("authenticate", headers={"X-Project-ID": sock.project, "X-Auth-Token": "x"})
    assert status(r) == 200 and r["body"] == {"message": "Authentified."}
    assert r["request"]["action"] == "authenticate"


OWNER = new_api_key("owner", "acme", ["member"])


def test_authenticate_on_apikeys(auth_server):
    srv = auth_server([OWNER])
    s = Socket(srv, project="acme")
    try:
        r = s.send("queue_list")
        assert status(r) == 403 and r["body"] == {"error": "Not authentified."}
        r = s.send("authenticate", headers={"X-Project-ID": "acme", "X-Auth-Token": "wrong"})
        assert status(r) == 401 and r["body"] == {"error": "Authentication failed."}
        assert status(s.send("queue_list")) == 403
        r = s.send("authenticate", headers={"X-Project-ID": "acme", "X-Auth-Token": OWNER.key})
        assert status(r) == 200 and r["body"] == {"message": "Authentified."}
        name = unique()
        r = s.send("queue_create", {"queue_name": name})
        assert status(r) == 201, r
        r = s.send("queue_list", headers=s.headers(**{"X-Project-ID": "globex"}))
        assert status(r) == 403 and r["body"] == {"error": "Not authenticated."}
        # The token the socket authenticated with is what the routes see.
        owner = Api(srv, project_id="acme", token=OWNER.key)
        assert [q["name"] for q in owner.get("/v2/queues").json()["queues"]] == [name]
    finally:
        s.close()


PROJECT_MISMATCH = "The X-Project-ID header does not match the project of the credentials."


def test_authenticate_for_another_project_is_refused(auth_server):
    """A key of acme with X-Project-ID globex: the authenticate reply is the refusal HTTP
    gives for those headers, and the socket stays unauthenticated."""
    srv = auth_server([OWNER])
    http = Api(srv, project_id="globex", token=OWNER.key).get("/v2/queues")
    assert http.status_code == 403
    assert http.json() == {"title": "Not authorized", "description": PROJECT_MISMATCH}
    s = Socket(srv, project="globex")
    try:
        r = s.send("authenticate", headers={"X-Project-ID": "globex", "X-Auth-Token": OWNER.key})
        assert status(r) == 403
        assert r["body"] == {"error": PROJECT_MISMATCH, "exception": "Not authorized"}
        assert r["request"]["action"] == "authenticate"
        for project in ("globex", "acme"):
            r = s.send("queue_list", headers=s.headers(**{"X-Project-ID": project}))
            assert status(r) == 403 and r["body"] == {"error": "Not authentified."}
        # A refused authenticate also ends what an earlier one established.
        r = s.send("authenticate", headers={"X-Project-ID": "acme", "X-Auth-Token": OWNER.key})
        assert status(r) == 200
        s.project = "acme"
        assert status(s.send("queue_list")) == 200
        r = s.send("authenticate", headers={"X-Project-ID": "globex", "X-Auth-Token": OWNER.key})
        assert status(r) == 403
        r = s.send("queue_list")
        assert status(r) == 403 and r["body"] == {"error": "Not authentified."}
    finally:
        s.close()


def test_upgrade_on_any_path_and_plain_http_still_served(server):
    s = Socket(server, path="/v2/queues")
    try:
        assert status(s.send("queue_list")) == 200
    finally:
        s.close()
    assert Api(server).get("/v2/queues").status_code == 200


def test_own_listener(make_server):
    srv = make_server(websocket_bind="127.0.0.1", websocket_port=0)
    line = next(l for l in srv._stdout_lines if "websocket listening" in l)
    port = int(re.search(r"websocket listening on \S+:(\d+)", line).group(1))
    assert port != srv.port
    s = Socket(srv, url=f"ws://127.0.0.1:{port}")
    try:
        assert status(s.send("queue_create", {"queue_name": "q1"})) == 201
    finally:
        s.close()
    assert Api(srv, project_id=s.project).get("/v2/queues/q1").status_code == 200


def test_oversized_frame_closes_with_1009(make_server):
    srv = make_server(transport_max_messages_post_size=1024, transport_max_queue_metadata=1024)
    s = Socket(srv)
    # The limit is the largest HTTP body plus 64 KiB for the envelope: 66560 bytes here. The
    # header announcing 70000 bytes is enough; the payload never needs to arrive.
    s.ws.sock.sendall(bytes([0x81, 0xFF]) + (70000).to_bytes(8, "big") + b"mask" + b"{")
    opcode, data = s.ws.recv_data(control_frame=True)
    assert opcode == websocket.ABNF.OPCODE_CLOSE
    assert int.from_bytes(data[:2], "big") == 1009


def test_shutdown_sends_going_away(make_server):
    srv = make_server()
    s = Socket(srv)
    assert status(s.send("queue_list")) == 200
    started = time.monotonic()
    srv.proc.send_signal(signal.SIGTERM)
    opcode, data = s.ws.recv_data(control_frame=True)
    assert opcode == websocket.ABNF.OPCODE_CLOSE
    assert int.from_bytes(data[:2], "big") == 1001
    s.ws.close()  # the client's half of the closing handshake
    srv.stop()  # requires a clean exit within the stop timeout
    assert time.monotonic() - started < 5, "the socket did not hold up the shutdown"


def test_idle_sockets_are_pinged_and_kept(make_server):
    srv = make_server(server_idle_timeout_seconds=2)

    async def scenario():
        # websockets answers pings by itself while the test sleeps. The sleep is what is
        # tested: the socket stays idle for longer than twice the idle timeout.
        async with websockets.connect(ws_url(srv)) as ws:
            await asyncio.sleep(5)
            frame = {"action": "queue_list", "headers": {"Client-ID": str(uuid.uuid4()),
                                                         "X-Project-ID": "idle"}}
            await ws.send(json.dumps(frame))
            return json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))

    assert status(asyncio.run(scenario())) == 200
    # A client that never answers pings (raw TCP after the handshake) is dropped.
    raw = socket.create_connection(("127.0.0.1", srv.port), timeout=TIMEOUT)
    raw.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
    assert raw.recv(4096).startswith(b"HTTP/1.1 101")
    deadline = time.monotonic() + 8
    closed = False
    while time.monotonic() < deadline:
        chunk = raw.recv(4096)
        if not chunk:
            closed = True
            break
    raw.close()
    assert closed


def test_many_sockets_at_once(server):
    project = f"e2e-{uuid.uuid4().hex[:16]}"
    name = unique()

    async def one(i):
        async with websockets.connect(ws_url(server)) as ws:
            frame = {"action": "message_post",
                     "headers": {"Client-ID": str(uuid.uuid4()), "X-Project-ID": project},
                     "body": {"queue_name": name, "messages": [{"body": i}]}}
            await ws.send(msgpack.packb(frame))
            reply = msgpack.unpackb(await asyncio.wait_for(ws.recv(), TIMEOUT))
            return status(reply)

    async def all_of_them():
        return await asyncio.gather(*(one(i) for i in range(50)))

    assert asyncio.run(all_of_them()) == [201] * 50
    stats = Api(server, project_id=project).get(f"/v2/queues/{name}/stats").json()
    assert stats["messages"]["total"] == 50


def test_notification_endpoint_refuses_what_zaqar_refuses(server):
    head = getattr(server, "heads", [server])[0]  # one head of a MARCONI_E2E_HEADS group
    found = re.search(r"websocket notifications at http://([\d.]+):(\d+)/", head.stderr_text())
    assert found, "the server logs its notification endpoint"
    base = f"http://{found.group(1)}:{found.group(2)}"
    assert requests.get(base + "/x", timeout=REQUEST_TIMEOUT).status_code == 405
    # Zaqar's bare /<id> lacks the tag this server's URLs carry: as if there were no endpoint.
    assert requests.post(base + "/" + str(uuid.uuid4()), json={"a": 1},
                         timeout=REQUEST_TIMEOUT).status_code == 404
    raw = socket.create_connection((found.group(1), int(found.group(2))), timeout=TIMEOUT)
    raw.sendall(b"POST /abc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert raw.recv(4096).startswith(b"HTTP/1.1 400")
    raw.close()


def test_python_zaqarclient_websocket_transport(server):
    from zaqarclient.transport import request as zrequest
    from zaqarclient.transport import ws as zws

    project = f"e2e-{uuid.uuid4().hex[:16]}"
    options = {"auth_opts": {"backend": "noauth",
                             "options": {"os_auth_token": "t", "os_project_id": project}}}
    endpoint = ws_url(server)
    transport = zws.WebsocketTransport(options)
    try:
        name = unique()
        resp = transport.send(zrequest.Request(endpoint, "queue_create",
                                               content=json.dumps({"queue_name": name})))
        assert resp.status_code == 201
        assert json.loads(resp.content) == f"Queue {name} created."
        resp = transport.send(zrequest.Request(endpoint, "message_post", content=json.dumps(
            {"queue_name": name, "messages": [{"body": "from zaqarclient", "ttl": 60}]})))
        assert resp.status_code == 201
        resp = transport.send(zrequest.Request(endpoint, "message_list", content=json.dumps(
            {"queue_name": name, "echo": True})))
        assert [m["body"] for m in json.loads(resp.content)["messages"]] == ["from zaqarclient"]
    finally:
        transport.cleanup()


def test_wss_on_a_tls_listener(make_server, tmp_path):
    import ssl
    from test_tls import make_certificate

    cert, key = make_certificate(tmp_path)
    srv = make_server(server_tls_cert_file=cert, server_tls_key_file=key)
    s = Socket(srv, url=f"wss://127.0.0.1:{srv.port}/",
               sslopt={"ca_certs": str(cert), "cert_reqs": ssl.CERT_REQUIRED})
    try:
        assert status(s.send("queue_create", {"queue_name": "over-tls"}, binary=True)) == 201
        assert status(s.send("queue_get", {"queue_name": "over-tls"})) == 200
    finally:
        s.close()


def test_authenticate_with_a_keystone_token(keystone, keystone_server):
    srv = keystone_server()
    token, _ = keystone.login("alice")
    acme = keystone.project_ids["acme"]
    s = Socket(srv, project=acme)
    try:
        r = s.send("authenticate", headers={"X-Project-ID": acme, "X-Auth-Token": "bogus"})
        assert status(r) == 401 and r["body"] == {"error": "Authentication failed."}
        r = s.send("authenticate", headers={"X-Project-ID": acme, "X-Auth-Token": token})
        assert status(r) == 200
        name = unique()
        assert status(s.send("queue_create", {"queue_name": name})) == 201
        globex = keystone.project_ids["globex"]
        r = s.send("queue_list", headers=s.headers(**{"X-Project-ID": globex}))
        assert status(r) == 403 and r["body"] == {"error": "Not authenticated."}
        # The queue is in acme, as over HTTP with the same token.
        alice = Api(srv, project_id=acme, token=token)
        assert name in [q["name"] for q in alice.get("/v2/queues").json()["queues"]]
    finally:
        s.close()


def test_pool_and_flavor_actions_do_what_their_http_routes_do(make_server, tmp_path):
    srv = make_server(server_admin_mode="true", pooling_enabled="true",
                      pooling_control_uri=f"sqlite:///{tmp_path / 'control.db'}",
                      pooling_allowed_paths=tmp_path)
    s = Socket(srv)
    try:
        admin = s.headers(**{"X-Roles": "admin"})
        uri = f"sqlite:///{tmp_path / 'p1.db'}"

        def send(action, body):
            return s.send(action, body, headers=admin)

        r = send("pool_create", {"pool_name": "p1", "uri": uri, "weight": 10,
                                 "options": {"k": "v"}})
        assert (status(r), r["body"]) == (201, "Pool p1 created.")
        r = send("pool_get", {"pool_name": "p1", "detailed": True})
        assert status(r) == 200
        assert r["body"] == {"name": "p1", "uri": uri, "weight": 10, "flavor": None,
                             "href": "/v2/pools/p1", "options": {"k": "v"}}
        r = send("pool_update", {"pool_name": "p1", "weight": 20})
        assert (status(r), r["body"]["weight"]) == (200, 20)
        r = send("pool_list", {"pool_name": "", "limit": 5})
        assert status(r) == 200 and [p["name"] for p in r["body"]["pools"]] == ["p1"]
        r = send("pool_create", {"pool_name": "p2", "uri": uri, "weight": 1})
        assert status(r) == 409
        assert r["body"]["error"] == "The database URI is in use by another pool."

        r = send("flavor_create", {"flavor_name": "gold", "pool_name": "p1"})
        assert (status(r), r["body"]) == (201, "Flavor gold created.")
        r = send("flavor_get", {"flavor_name": "gold"})
        assert status(r) == 200 and r["body"]["pool_list"] == ["p1"]
        assert "FIFO" in r["body"]["capabilities"]
        r = send("flavor_list", {"flavor_name": "", "detailed": True})
        assert status(r) == 200 and [f["name"] for f in r["body"]["flavors"]] == ["gold"]
        r = send("flavor_update", {"flavor_name": "gold", "pool_list": ["nope"]})
        assert status(r) == 400, r
        # The HTTP API sees what the socket did.
        with Api(srv, project_id=s.project) as http:
            got = http.get("/v2/pools/p1", headers={"X-Roles": "admin"}).json()
            assert (got["weight"], got["flavor"]) == (20, "gold")
        r = send("pool_delete", {"pool_name": "p1"})
        assert status(r) == 403  # a flavor uses it, as over HTTP
        r = send("flavor_delete", {"flavor_name": "gold"})
        assert (status(r), r["body"]) == (204, "Flavor gold removed.")
        r = send("pool_delete", {"pool_name": "p1"})
        assert (status(r), r["body"]) == (204, "Pool p1 removed.")
        assert status(send("pool_get", {"pool_name": "p1"})) == 404
        # The routes' policy: pools:* and flavors:create are the admin role's.
        r = s.send("pool_list", {"pool_name": ""})
        assert status(r) == 403
    finally:
        s.close()


def test_a_keystone_socket_is_closed_with_4003_when_its_token_expires(keystone, keystone_server):
    # Zaqar's protocol schedules the close for the expires_at of the token it authenticated.
    srv = keystone_server()
    token, body = keystone.login("alice")
    expires = datetime.datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    acme = keystone.project_ids["acme"]
    s = Socket(srv, project=acme)
    try:
        s.ws.settimeout(KEYSTONE_TOKEN_SECONDS + TIMEOUT)
        r = s.send("authenticate", headers={"X-Project-ID": acme, "X-Auth-Token": token})
        assert status(r) == 200
        assert status(s.send("queue_create", {"queue_name": unique()})) == 201
        opcode, frame = s.ws.recv_data_frame(control_frame=True)
        closed_at = datetime.datetime.now(datetime.timezone.utc)
        assert opcode == websocket.ABNF.OPCODE_CLOSE
        assert int.from_bytes(frame.data[:2], "big") == 4003
        assert frame.data[2:] == b"Authentication expired."
        # Not before the token expired (expires_at is read to the millisecond).
        assert closed_at >= expires - datetime.timedelta(milliseconds=1), (closed_at, expires)
        # A shutdown now sends no second close frame after the first.
        started = time.monotonic()
        srv.proc.send_signal(signal.SIGTERM)
    finally:
        # websocket-client answered the close frame; its close() then does nothing, so the
        # TCP connection is ended here, as a client ends it after the closing handshake.
        s.ws.shutdown()
    srv.stop()  # requires a clean exit
    assert time.monotonic() - started < 5, "the closed socket held up the shutdown"


def test_pool_actions_need_pooling(sock):
    r = sock.send("pool_get", {"pool_name": "p1"}, headers=sock.headers(**{"X-Roles": "admin"}))
    assert status(r) == 404


def test_subscription_actions_answer_as_zaqar(sock):
    name = unique()
    assert status(sock.send("queue_create", {"queue_name": name})) == 201
    body = {"queue_name": name, "subscriber": "http://127.0.0.1:9/hook", "ttl": 3600,
            "options": {"k": "v"}}
    r = sock.send("subscription_create", body)
    assert status(r) == 201, r
    sid = r["body"]["subscription_id"]
    assert r["body"] == {"subscription_id": sid, "message": f"Subscription {name} created."}
    r = sock.send("subscription_create", body)
    assert status(r) == 409 and r["body"] == f"Subscription {name} not created."
    r = sock.send("subscription_list", {"queue_name": name})
    assert status(r) == 200 and [s["id"] for s in r["body"]["subscriptions"]] == [sid]
    r = sock.send("subscription_get", {"queue_name": name, "subscription_id": sid})
    assert status(r) == 200 and r["body"]["subscriber"] == "http://127.0.0.1:9/hook"
    r = sock.send("subscription_delete", {"queue_name": name, "subscription_id": sid})
    assert status(r) == 204 and r["body"] == f"Subscription {sid} removed."
    r = sock.send("subscription_get", {"queue_name": name, "subscription_id": sid})
    assert status(r) == 404


# A socket's subscriber URL: this head's notification endpoint, the socket id and its tag.
SUBSCRIBER_URL = re.compile(r"(http://127\.0\.0\.1:\d+)/([0-9a-f-]{36})/([0-9a-f]{64})")


def socket_subscription(sock, name, binary=False):
    """Subscribes the socket itself to `name`; returns (subscription id, subscriber URL)."""
    r = sock.send("subscription_create", {"queue_name": name, "ttl": 3600}, binary)
    assert status(r) == 201, r
    sid = r["body"]["subscription_id"]
    r = sock.send("subscription_get", {"queue_name": name, "subscription_id": sid})
    return sid, r["body"]["subscriber"]


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_socket_subscription_forwards_what_its_endpoint_receives(server, binary):
    s = Socket(server)
    name = unique()
    sid, subscriber = socket_subscription(s, name, binary)
    assert SUBSCRIBER_URL.fullmatch(subscriber), subscriber
    r = requests.post(subscriber, data=json.dumps({"hello": [1, "x"]}), timeout=REQUEST_TIMEOUT)
    assert r.status_code == 200
    assert s.receive(binary) == {"hello": [1, "x"]}
    # Closing the socket deletes its subscription.
    s.close()
    api = Api(server, project_id=s.project)
    wait_until(lambda: api.get(f"/v2/queues/{name}/subscriptions/{sid}").status_code == 404,
               TIMEOUT, "the closed socket's subscription to go")


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_a_post_is_pushed_to_the_subscribed_socket(server, binary):
    """End to end: the socket subscribes itself, a message is posted over HTTP, the notifier
    delivers the webhook to this head's notification endpoint, which pushes it to the socket."""
    s = Socket(server)
    try:
        name = unique()
        socket_subscription(s, name, binary)
        api = http_for(server, s)
        r = api.post(f"/v2/queues/{name}/messages",
                     json={"messages": [{"body": {"event": "pushed"}, "ttl": 300}]})
        assert r.status_code == 201, r.text
        message_id = r.json()["resources"][0].rsplit("/", 1)[1]
        pushed = s.receive(binary)
        assert pushed["Message_Type"] == "Notification"
        assert pushed["body"] == {"event": "pushed"}
        assert pushed["queue_name"] == name
        assert "message_id" not in pushed, message_id  # Zaqar's payload by default
    finally:
        s.close()


def test_forged_notifications_never_reach_the_socket(server):
    s = Socket(server)
    try:
        name = unique()
        _, subscriber = socket_subscription(s, name)
        endpoint, socket_id, tag = SUBSCRIBER_URL.fullmatch(subscriber).groups()
        other_socket = str(uuid.uuid4())
        forged_urls = [f"{endpoint}/{socket_id}", f"{endpoint}/{socket_id}/",
                       f"{endpoint}/{socket_id}/{'0' * 64}", f"{endpoint}/{socket_id}/{tag[:-1]}",
                       f"{endpoint}/{socket_id}/{tag}0", f"{endpoint}/{other_socket}/{tag}"]
        for url in forged_urls:
            r = requests.post(url, data=json.dumps({"forged": url}), timeout=REQUEST_TIMEOUT)
            assert r.status_code == 404, url
        # The endpoint hands a body to the socket before it answers, so had a forged one got
        # through it would be queued ahead of this real notification.
        r = http_for(server, s).post(f"/v2/queues/{name}/messages",
                                     json={"messages": [{"body": "real", "ttl": 300}]})
        assert r.status_code == 201, r.text
        pushed = s.receive()
        assert pushed["Message_Type"] == "Notification" and pushed["body"] == "real"
    finally:
        s.close()


def test_pre_signed_frames_reach_message_actions_without_authenticate(auth_server):
    secret = "ws-" + uuid.uuid4().hex
    srv = auth_server([OWNER], signed_url_secret_key=secret)
    owner = Api(srv, project_id=OWNER.project, token=OWNER.key)
    name = unique()
    assert owner.post(f"/v2/queues/{name}/messages",
                      json={"messages": [{"body": "shared"}]}).status_code == 201
    grant = owner.post(f"/v2/queues/{name}/share",
                       json={"methods": ["GET", "POST"]}).json()
    s = Socket(srv, project=OWNER.project)
    try:
        signed = s.headers(**{"URL-Signature": grant["signature"], "URL-Expires": grant["expires"],
                              "URL-Methods": grant["methods"], "URL-Paths": grant["paths"]})
        r = s.send("message_list", {"queue_name": name, "echo": True}, headers=signed)
        assert status(r) == 200, r
        assert [m["body"] for m in r["body"]["messages"]] == ["shared"]
        r = s.send("message_post", {"queue_name": name, "messages": [{"body": "b"}]},
                   binary=True, headers=signed)
        assert status(r) == 201
        # Only message actions, and only with a good signature.
        r = s.send("queue_get", {"queue_name": name}, headers=signed)
        assert status(r) == 403 and r["body"] == {"error": "Not authentified."}
        forged = dict(signed, **{"URL-Signature": "0" * 64})
        r = s.send("message_list", {"queue_name": name}, headers=forged)
        assert status(r) == 403 and r["body"] == {"error": "Not authentified."}
        other_queue = s.send("message_list", {"queue_name": unique()}, headers=signed)
        assert status(other_queue) == 403
    finally:
        s.close()


@pytest.mark.parametrize("binary", [False, True])
def test_frames_nest_as_deep_as_http_bodies(sock, binary):
    name = unique()
    body = {"deep": True}
    for _ in range(99):  # with the frame around it, 104 levels: over Boost.JSON's default 32
        body = [body]
    r = sock.send("message_post", {"queue_name": name, "messages": [{"body": body}]}, binary)
    assert status(r) == 201, r
    r = sock.send("message_list", {"queue_name": name, "echo": True}, binary)
    assert status(r) == 200 and [m["body"] for m in r["body"]["messages"]] == [body]


def test_frames_refuse_integers_beyond_64_bits(server, sock):
    name = unique()
    frame = json.dumps(sock.frame("message_post", {"queue_name": name,
                                                   "messages": [{"body": 1}]}))
    r = sock.send_raw(frame.replace('"body": 1', '"body": 18446744073709551616'), binary=False)
    assert status(r) == 400
    assert r["body"]["error"] == "JSON contains integer that is too large."
    with http_for(server, sock) as api:
        assert not exists(api, name)  # nothing was posted, so no queue was made
