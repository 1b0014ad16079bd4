"""Request header checks, routing errors, and robustness against hostile clients."""

import socket
import uuid

import pytest
import requests

from conftest import REQUEST_TIMEOUT
from e2e_helpers import assert_error, assert_json, unique


@pytest.mark.parametrize("path", ["/v2/queues", "/v2/", "/v2/ping"])
def test_missing_client_id(api, path):
    del api.headers["Client-ID"]
    assert_error(api.get(path), 400)


@pytest.mark.parametrize("value", ["not-a-uuid", "1234", "", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"])
def test_malformed_client_id(api, value):
    api.headers["Client-ID"] = value
    assert_error(api.get("/v2/queues"), 400)


def test_undashed_uuid_client_id_is_accepted(api):
    # python-zaqarclient sends uuid4().hex (32 hex digits, no dashes) by default.
    api.headers["Client-ID"] = uuid.uuid4().hex
    assert_json(api.get("/v2/queues"), 200)


def test_missing_project_id(api):
    del api.headers["X-Project-ID"]
    assert_error(api.get("/v2/queues"), 400)


def test_empty_project_id(api):
    api.headers["X-Project-ID"] = ""
    assert_error(api.get("/v2/queues"), 400)


def test_project_id_too_long(api):
    api.headers["X-Project-ID"] = "p" * 257
    assert_error(api.put(f"/v2/queues/{unique()}"), 400)


def test_accept_html_is_406(api):
    assert_error(api.get("/v2/queues", headers={"Accept": "text/html"}), 406)


@pytest.mark.parametrize("accept", ["application/json", "*/*", "application/*",
                                    "text/html, application/json;q=0.5"])
def test_accept_json_variants(api, accept):
    assert_json(api.get("/v2/queues", headers={"Accept": accept}), 200)


def test_form_content_type_is_400(api, queue_name):
    r = api.post(f"/v2/queues/{queue_name}/messages", data="messages=1",
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_error(r, 400)


@pytest.mark.parametrize("path", ["/v2/nothing-here", "/v2/queues/q/nothing", "/v3/queues",
                                  "/v2/queues/q/messages/m/extra"])
def test_unknown_route_is_404(api, path):
    assert api.get(path).status_code == 404


@pytest.mark.parametrize("method,path,allowed", [
    ("POST", "/v2/queues/q", {"GET", "PUT", "PATCH", "DELETE"}),
    ("DELETE", "/v2/queues", {"GET"}),
    ("PUT", "/v2/queues/q/messages", {"GET", "POST", "DELETE"}),
    ("PUT", "/v2/queues/q/claims", {"POST"}),
    ("POST", "/v2/queues/q/stats", {"GET"}),
    ("GET", "/v2/queues/q/purge", {"POST"}),
    ("POST", "/v2/ping", {"GET", "HEAD"}),
])
def test_wrong_method_is_405_with_allow(api, method, path, allowed):
    r = api.request(method, path, json={} if method in ("POST", "PUT") else None)
    assert r.status_code == 405, r.text
    allow = {m.strip() for m in r.headers.get("Allow", "").split(",") if m.strip()}
    assert allowed <= allow, allow
    assert method not in allow


def test_error_body_shape(api):
    # A representative validation error carries Zaqar's error body.
    body = assert_error(api.get("/v2/queues", params={"limit": 0}), 400)
    assert set(body) >= {"title", "description"}


def _ping_ok(server):
    with requests.Session() as s:
        r = s.get(server.url + "/v2/ping", timeout=REQUEST_TIMEOUT,
                  headers={"Client-ID": str(uuid.uuid4()), "X-Project-ID": "p"})
    return r.status_code == 204


def test_oversized_header_is_rejected_and_server_survives(server):
    # 431, as Zaqar's WSGI server (http.server) answers a header line over 64 KiB. The server
    # closes with a lingering close (reading what the client still sends), so the answer
    # arrives although the client is still sending when it is written.
    headers = {"Client-ID": str(uuid.uuid4()), "X-Project-ID": "p", "X-Big": "a" * 65536}
    r = requests.get(server.url + "/v2/queues", headers=headers, timeout=REQUEST_TIMEOUT)
    assert_error(r, 431)
    assert _ping_ok(server)


def test_client_disconnect_mid_body(server):
    host, port = "127.0.0.1", server.port
    for _ in range(3):
        with socket.create_connection((host, port), timeout=REQUEST_TIMEOUT) as s:
            s.sendall((f"POST /v2/queues/{unique()}/messages HTTP/1.1\r\n"
                       f"Host: {host}\r\n"
                       f"Client-ID: {uuid.uuid4()}\r\n"
                       "X-Project-ID: p\r\n"
                       "Content-Type: application/json\r\n"
                       "Content-Length: 1000\r\n\r\n").encode() + b'{"messages"')
    # Half a request line, then close.
    with socket.create_connection((host, port), timeout=REQUEST_TIMEOUT) as s:
        s.sendall(b"GET /v2/que")
    assert _ping_ok(server)


def test_garbage_request_gets_400_or_close(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=REQUEST_TIMEOUT) as s:
        s.sendall(b"\x00\x01 this is not http\r\n\r\n")
        try:
            data = s.recv(4096)
        except (ConnectionResetError, socket.timeout):
            data = b""
    assert data == b"" or data.split(b" ")[1:2] == [b"400"], data[:100]
    assert _ping_ok(server)


def test_keep_alive_serves_many_requests_on_one_connection(api, queue_name):
    for _ in range(20):
        assert api.get(f"/v2/queues/{queue_name}/stats").status_code == 200
