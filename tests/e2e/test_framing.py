"""Request framing (RFC 9112 sections 2.3, 3.2, 5-7 and 11.2): where a request ends is decided
one way only, and a request whose framing is in doubt is answered (400, 501 or 505) and its
connection closed, so that nothing after it can run as a smuggled second request. Trailer
fields never become headers (RFC 9110 section 6.5.1)."""

import json
import ssl
import socket

import pytest

from conftest import Api
from raw_http import connect, read_response, request_bytes, seconds_until_closed, zaqar_headers
from e2e_helpers import unique
from test_tls import make_certificate


def head_lines(method, path, headers, version="HTTP/1.1", host=True):
    lines = [f"{method} {path} {version}"]
    if host:
        lines.append("Host: 127.0.0.1")
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return lines


def raw(lines, body=b""):
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def chunked(*chunks, trailers=()):
    out = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n"
    out += b"".join(t.encode() + b"\r\n" for t in trailers)
    return out + b"\r\n"


@pytest.fixture
def victim(api):
    """A queue that a smuggled request tries to delete."""
    name = unique("victim")
    assert api.put(f"/v2/queues/{name}").status_code == 201
    api.victim_headers = dict(api.headers)
    return name


def smuggled_delete(api, victim):
    return request_bytes("DELETE", f"/v2/queues/{victim}", headers={
        "Client-ID": api.headers["Client-ID"], "X-Project-ID": api.headers["X-Project-ID"]})


def victim_survives(api, victim):
    listing = api.get("/v2/queues").json()
    return victim in [q["name"] for q in listing["queues"]]


def send_and_read_one(port, data):
    """Sends `data` at once; returns the first response and whether the server closed the
    connection right after it (no second response)."""
    with connect(port) as sock:
        sock.sendall(data)
        first = read_response(sock)
        closed = seconds_until_closed(sock, 5) is not None
    return first, closed


def assert_refused(server, api, victim, lines, body, status, fragment):
    """The request gets `status` naming `fragment`, with Connection: close; the connection
    then closes and the smuggled DELETE behind it never runs."""
    data = raw(lines, body) + smuggled_delete(api, victim)
    response, closed = send_and_read_one(server.port, data)
    assert response is not None, "closed without an answer"
    assert response.status == status, response
    assert response.closes, response
    assert response.headers["content-type"] == "application/json"
    assert fragment in response.json()["description"], response
    assert set(response.json()) == {"title", "description"}
    assert closed, "the connection stayed open after a framing error"
    assert victim_survives(api, victim)


GET_QUEUES = ("GET", "/v2/queues")
POST_MESSAGES = ("POST", "/v2/queues/framing/messages")
ONE_MESSAGE = json.dumps({"messages": [{"ttl": 60, "body": 1}]}).encode()


def zaqar(extra=None):
    headers = zaqar_headers()
    headers.update(extra or {})
    return headers


# --- Transfer-Encoding: only chunked, last and once (section 6.1, 6.3, 7) ----------------------

@pytest.mark.parametrize("coding", ["gzip", "identity", "chunked, identity", "xchunked",
                                    "chunked;ext=1", ", "])
def test_a_final_coding_other_than_chunked_is_400(server, api, victim, coding):
    lines = head_lines(*GET_QUEUES, zaqar({"Transfer-Encoding": coding}))
    fragment = "malformed" if coding == ", " else "final transfer coding"
    assert_refused(server, api, victim, lines, b"", 400, fragment)


def test_gzip_before_chunked_is_501(server, api, victim):
    lines = head_lines(*POST_MESSAGES, zaqar({"Transfer-Encoding": "gzip, chunked"}))
    assert_refused(server, api, victim, lines, chunked(ONE_MESSAGE), 501, "'gzip'")


def test_codings_split_over_two_fields_are_one_list(server, api, victim):
    headers = zaqar()
    lines = head_lines(*POST_MESSAGES, headers)
    lines += ["Transfer-Encoding: gzip", "Transfer-Encoding: chunked"]
    assert_refused(server, api, victim, lines, chunked(ONE_MESSAGE), 501, "'gzip'")


def test_chunked_twice_is_400(server, api, victim):
    lines = head_lines(*POST_MESSAGES, zaqar({"Transfer-Encoding": "chunked, chunked"}))
    assert_refused(server, api, victim, lines, chunked(ONE_MESSAGE), 400, "more than once")


def test_a_second_transfer_encoding_after_chunked_is_400(server, api, victim):
    lines = head_lines(*POST_MESSAGES, zaqar())
    lines += ["Transfer-Encoding: chunked", "Transfer-Encoding: gzip"]
    assert_refused(server, api, victim, lines, chunked(ONE_MESSAGE), 400, "Transfer-Encoding")


@pytest.mark.parametrize("order", ["cl-first", "te-first"])
def test_content_length_with_chunked_is_400(server, api, victim, order):
    """CL.TE and TE.CL: a proxy might frame by either; Marconi frames by neither."""
    body = chunked(ONE_MESSAGE)
    fields = [f"Content-Length: {len(body)}", "Transfer-Encoding: chunked"]
    if order == "te-first":
        fields.reverse()
    lines = head_lines(*POST_MESSAGES, zaqar()) + fields
    assert_refused(server, api, victim, lines, body, 400, "")


def test_an_unknown_coding_beside_content_length_is_400(server, api, victim):
    lines = head_lines(*GET_QUEUES, zaqar({"Transfer-Encoding": "xchunked",
                                           "Content-Length": "0"}))
    assert_refused(server, api, victim, lines, b"", 400, "both Content-Length")


def test_transfer_encoding_in_http_1_0_is_400(server, api, victim):
    lines = head_lines(*POST_MESSAGES, zaqar({"Transfer-Encoding": "chunked"}),
                       version="HTTP/1.0")
    assert_refused(server, api, victim, lines, chunked(ONE_MESSAGE), 400, "HTTP/1.0")


@pytest.mark.parametrize("value", ["chunked", "CHUNKED", " chunked\t", "chunked ,"])
def test_chunked_bodies_are_read_whole(server, api, value):
    queue = unique("chunked")
    headers = zaqar()
    lines = head_lines("POST", f"/v2/queues/{queue}/messages", headers)
    lines.append(f"Transfer-Encoding:{value}")
    half = len(ONE_MESSAGE) // 2
    body = chunked(ONE_MESSAGE[:half], ONE_MESSAGE[half:])
    with connect(server.port) as sock:
        sock.sendall(raw(lines, body))
        posted = read_response(sock)
        # The connection is still in step: the next request gets its own answer.
        sock.sendall(request_bytes("GET", f"/v2/queues/{queue}/messages?echo=true",
                                   headers=headers))
        listed = read_response(sock)
    assert posted.status == 201, posted
    assert not posted.closes
    assert [m["body"] for m in listed.json()["messages"]] == [1]


def test_chunk_extensions_are_ignored(server, api):
    queue = unique("ext")
    lines = head_lines("POST", f"/v2/queues/{queue}/messages",
                       zaqar({"Transfer-Encoding": "chunked"}))
    body = b'%x;name=value;flag\r\n%s\r\n0;last="yes"\r\n\r\n' % (len(ONE_MESSAGE), ONE_MESSAGE)
    response, _ = send_and_read_one(server.port, raw(lines + ["Connection: close"], body))
    assert response.status == 201, response


@pytest.mark.parametrize("chunk_head", [b"zz", b"-1", b"0x10", b" 5", b"1ffffffffffffffffff",
                                        b"5;=bad"])
def test_bad_chunk_sizes_and_extensions_are_400(server, api, victim, chunk_head):
    lines = head_lines(*POST_MESSAGES, zaqar({"Transfer-Encoding": "chunked"}))
    body = chunk_head + b"\r\nhello\r\n0\r\n\r\n"
    assert_refused(server, api, victim, lines, body, 400, "")


def test_chunk_data_longer_than_its_size_is_400(server, api, victim):
    lines = head_lines(*POST_MESSAGES, zaqar({"Transfer-Encoding": "chunked"}))
    assert_refused(server, api, victim, lines, b"3\r\nhello\r\n0\r\n\r\n", 400,
                   "chunked body is malformed")


# --- Content-Length (section 6.2, RFC 9110 section 8.6) ----------------------------------------

@pytest.mark.parametrize("values", [["5", "6"], ["5, 6"], ["-1"], ["0x10"], ["+5"], ["5 5"],
                                    [""]])
def test_bad_or_conflicting_content_length_is_400(server, api, victim, values):
    lines = head_lines(*POST_MESSAGES, zaqar()) + [f"Content-Length: {v}" for v in values]
    assert_refused(server, api, victim, lines, b"hello", 400, "Content-Length")


def test_repeated_identical_content_lengths_are_one(server, api):
    queue = unique("cl")
    lines = head_lines("POST", f"/v2/queues/{queue}/messages", zaqar())
    lines += [f"Content-Length: {len(ONE_MESSAGE)}", f"Content-Length: {len(ONE_MESSAGE)}",
              "Connection: close"]
    response, _ = send_and_read_one(server.port, raw(lines, ONE_MESSAGE))
    assert response.status == 201, response


# --- request line and fields (sections 2.3, 3, 5) ----------------------------------------------

@pytest.mark.parametrize("version", ["HTTP/2.0", "HTTP/9.9", "HTTP/1.2", "HTTP/0.9"])
def test_other_http_versions_are_505(server, api, victim, version):
    lines = head_lines(*GET_QUEUES, zaqar(), version=version)
    assert_refused(server, api, victim, lines, b"", 505, "HTTP/1.0 and HTTP/1.1")


@pytest.mark.parametrize("version", ["HTTP/1", "HTTP/11", "http/1.1", "HTTP/1.1 x", "HTTP/a.b"])
def test_malformed_versions_are_400(server, api, victim, version):
    lines = head_lines(*GET_QUEUES, zaqar(), version=version)
    assert_refused(server, api, victim, lines, b"", 400, "")


@pytest.mark.parametrize("field", ["X-Bad: a\rb", "X-Bad: a\x00b", "NoColon",
                                   "Space Name: x", "X-Bad : x", ": empty-name"])
def test_malformed_fields_are_400(server, api, victim, field):
    lines = head_lines(*GET_QUEUES, zaqar()) + [field]
    assert_refused(server, api, victim, lines, b"", 400, "malformed")


def test_bare_lf_line_endings_are_400(server, api, victim):
    data = b"GET /v2/queues HTTP/1.1\nHost: 127.0.0.1\n\n"
    response, closed = send_and_read_one(server.port, data + smuggled_delete(api, victim))
    assert response.status == 400, response
    assert response.closes and closed
    assert victim_survives(api, victim)


def test_http_1_1_without_host_is_400(server, api, victim):
    lines = head_lines(*GET_QUEUES, zaqar(), host=False)
    assert_refused(server, api, victim, lines, b"", 400, "must carry a Host")


def test_two_hosts_are_400(server, api, victim):
    lines = head_lines(*GET_QUEUES, zaqar()) + ["Host: elsewhere.example"]
    assert_refused(server, api, victim, lines, b"", 400, "more than one Host")


@pytest.mark.parametrize("host", ["user@127.0.0.1", "[::1", "a b"])
def test_a_malformed_host_is_400(server, api, victim, host):
    lines = head_lines(*GET_QUEUES, zaqar(), host=False) + [f"Host: {host}"]
    assert_refused(server, api, victim, lines, b"", 400, "Host is malformed")


def test_http_1_0_without_host_is_served(server):
    data = raw(head_lines("GET", "/v2/ping", zaqar(), version="HTTP/1.0", host=False))
    response, closed = send_and_read_one(server.port, data)
    assert response.status == 204, response
    assert closed  # HTTP/1.0 without keep-alive


def test_obs_fold_is_unfolded_into_one_field(server):
    """RFC 9112 section 5.2 lets a server replace obs-fold with spaces; the folded line stays
    part of its field and never becomes a field of its own."""
    client_id = zaqar_headers()["Client-ID"]
    lines = head_lines("GET", f"/v2/queues/{unique('fold')}/messages",
                       {"X-Project-ID": unique("p")})
    lines += ["X-Folded: one", f" Client-ID: {client_id}", "Connection: close"]
    response, _ = send_and_read_one(server.port, raw(lines))
    assert response.status == 400, response
    assert "Client-ID" in response.json()["description"]


# --- trailers never become headers (RFC 9110 section 6.5.1) ------------------------------------

def test_a_header_sent_only_as_a_trailer_is_missing(server):
    headers = {"X-Project-ID": unique("p"), "Transfer-Encoding": "chunked"}
    lines = head_lines("POST", f"/v2/queues/{unique('t')}/messages", headers)
    lines += ["Connection: close"]
    body = chunked(ONE_MESSAGE, trailers=[f"Client-ID: {zaqar_headers()['Client-ID']}"])
    response, _ = send_and_read_one(server.port, raw(lines, body))
    assert response.status == 400, response
    assert "Client-ID" in response.json()["description"]


@pytest.fixture
def pooled(make_server, tmp_path):
    return make_server(server_admin_mode="true", pooling_enabled="true",
                       pooling_control_uri=f"sqlite:///{tmp_path / 'control.db'}")


@pytest.mark.parametrize("method, status", [("GET", 403), ("PUT", 403)])
def test_roles_in_a_trailer_grant_nothing(pooled, tmp_path, method, status):
    body = json.dumps({"uri": f"sqlite:///{tmp_path / 'x.db'}", "weight": 1}).encode()
    headers = zaqar({"Transfer-Encoding": "chunked", "Connection": "close"})
    lines = head_lines(method, "/v2/pools" if method == "GET" else "/v2/pools/x", headers)
    if method == "PUT":
        lines.append("Content-Type: application/json")
    data = raw(lines, chunked(body, trailers=["X-Roles: admin"]))
    response, _ = send_and_read_one(pooled.port, data)
    assert response.status == status, response
    # The same roles as a header are honoured: the trailer alone made the difference.
    with Api(pooled) as admin:
        assert admin.get("/v2/pools", headers={"X-Roles": "admin"}).status_code == 200
        assert admin.get("/v2/pools/x", headers={"X-Roles": "admin"}).status_code == 404


def test_a_token_sent_only_as_a_trailer_does_not_authenticate(auth_server):
    from conftest import new_api_key
    key = new_api_key("k", "p1")
    srv = auth_server([key])
    headers = {"Client-ID": zaqar_headers()["Client-ID"], "Transfer-Encoding": "chunked",
               "Connection": "close"}
    lines = head_lines("POST", "/v2/queues/t/messages", headers)
    data = raw(lines, chunked(ONE_MESSAGE, trailers=[f"X-Auth-Token: {key.key}"]))
    response, _ = send_and_read_one(srv.port, data)
    assert response.status == 401, response


def test_framing_fields_in_trailers_are_400(server, api, victim):
    lines = head_lines(*POST_MESSAGES, zaqar({"Transfer-Encoding": "chunked"}))
    body = chunked(ONE_MESSAGE, trailers=["Content-Length: 5"])
    assert_refused(server, api, victim, lines, body, 400, "Content-Length")


# --- the same rules on the WebSocket upgrade path and the TLS listener --------------------------

def test_an_upgrade_request_with_bad_framing_is_400(server, api, victim):
    headers = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Transfer-Encoding": "gzip"}
    lines = head_lines("GET", "/", headers)
    assert_refused(server, api, victim, lines, b"", 400, "final transfer coding")


def test_the_tls_listener_refuses_bad_framing(make_server, tmp_path):
    cert, key = make_certificate(tmp_path)
    srv = make_server(server_tls_cert_file=cert, server_tls_key_file=key)
    context = ssl.create_default_context(cafile=str(cert))
    headers = zaqar()
    victim = unique("victim")
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as plain:
        with context.wrap_socket(plain, server_hostname="127.0.0.1") as sock:
            sock.sendall(request_bytes("PUT", f"/v2/queues/{victim}", headers=headers))
            assert read_response(sock).status == 201
            lines = head_lines("GET", "/v2/queues", dict(headers, **{"Transfer-Encoding": "gzip"}))
            sock.sendall(raw(lines) + request_bytes("DELETE", f"/v2/queues/{victim}",
                                                    headers=headers))
            response = read_response(sock)
            assert response.status == 400, response
            assert response.closes
            assert read_response(sock) is None  # closed: the DELETE never ran
    with Api(srv, project_id=headers["X-Project-ID"]) as api:
        api.verify = str(cert)
        assert api.get(f"/v2/queues/{victim}/stats").status_code == 200
