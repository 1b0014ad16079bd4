"""Limits and timeouts: slow or stalled clients are cut off, idle keep-alive connections close,
and overload is answered with 503 + Retry-After instead of queueing without bound.

Each test starts its own server with short limits (MARCONI_SERVER_* variables)."""

import concurrent.futures
import time

import requests

from conftest import Api
from e2e_helpers import assert_error, unique, wait_until
from raw_http import (connect, is_closed, read_response, request_bytes, seconds_until_closed,
                      zaqar_headers)

LIST_QUEUES = request_bytes("GET", "/v2/queues")


def assert_overloaded(response):
    """A Zaqar error body, 503 and Retry-After: 1."""
    assert response.status_code == 503, (response.status_code, response.text)
    assert response.headers.get("Retry-After") == "1", response.headers
    assert_error(response, 503)


def assert_serves(srv):
    assert Api(srv).get("/v2/queues").status_code == 200


def test_slowloris_header_dribble_is_cut_off(make_server):
    srv = make_server(server_header_timeout_seconds=1, server_idle_timeout_seconds=30)
    sock = connect(srv.port)
    start = time.monotonic()
    sock.sendall(b"GET /v2/queues HTTP/1.1\r\n")
    closed_after = None
    for i in range(40):  # a header line every 0.1 s: never done, never quiet for long
        try:
            sock.sendall(f"X-Dribble-{i}: {i}\r\n".encode())
        except OSError:  # reset: cut off
            closed_after = time.monotonic() - start
            break
        if is_closed(sock):
            closed_after = time.monotonic() - start
            break
        time.sleep(0.05)  # the dribble's pace: what is tested
    assert closed_after is not None, "a dribbling client was never cut off"
    assert 0.8 <= closed_after < 3.0, closed_after
    assert_serves(srv)


def test_silent_connection_is_closed_after_the_header_timeout(make_server):
    srv = make_server(server_header_timeout_seconds=1, server_idle_timeout_seconds=30)
    sock = connect(srv.port)
    elapsed = seconds_until_closed(sock, 5)
    assert elapsed is not None and 0.8 <= elapsed < 3.0, elapsed


def test_stalled_body_is_cut_off(make_server):
    srv = make_server(server_body_timeout_seconds=1, server_header_timeout_seconds=5)
    api = Api(srv)
    name = unique()
    assert api.put(f"/v2/queues/{name}").status_code == 201
    request = request_bytes("POST", f"/v2/queues/{name}/messages",
                            {"messages": [{"body": "x" * 200}]},
                            zaqar_headers(api.project_id, api.client_id))
    sock = connect(srv.port)
    sock.sendall(request[:-100])  # headers and part of the body, then nothing
    elapsed = seconds_until_closed(sock, 5)
    assert elapsed is not None and 0.8 <= elapsed < 3.0, elapsed
    # Nothing was posted.
    assert api.get(f"/v2/queues/{name}/messages", params={"echo": "true"}).json()["messages"] == []


def test_idle_keep_alive_connection_is_closed_after_the_idle_timeout(make_server):
    srv = make_server(server_idle_timeout_seconds=1, server_header_timeout_seconds=5)
    sock = connect(srv.port)
    for _ in range(3):  # requests within the idle timeout keep the connection
        sock.sendall(LIST_QUEUES)
        response = read_response(sock)
        assert response is not None and response.status == 200, response
        assert not response.closes
        time.sleep(0.5)  # a pause within the idle timeout: what is tested
    elapsed = seconds_until_closed(sock, 5)
    assert elapsed is not None and 0.3 <= elapsed < 2.5, elapsed


def test_connection_limit_answers_503_then_serves_again(make_server):
    srv = make_server(server_max_connections=3)
    held = []
    for _ in range(3):
        sock = connect(srv.port)
        sock.sendall(LIST_QUEUES)  # answered: the server has counted this connection
        assert read_response(sock).status == 200
        held.append(sock)

    # requests sends its request and still reads the 503 (the server closes gracefully).
    for _ in range(3):
        r = requests.get(f"{srv.url}/v2/queues", headers=zaqar_headers(), timeout=5)
        assert_overloaded(r)
        assert r.headers.get("Connection", "").lower() == "close"
    # Raw: the 503 comes at once, before any request, and the connection then closes.
    sock = connect(srv.port)
    response = read_response(sock)
    assert response.status == 503 and response.headers["retry-after"] == "1", response
    assert response.closes and set(response.json()) == {"title", "description"}
    assert seconds_until_closed(sock, 3) is not None
    sock.close()

    # The held connections still work.
    held[0].sendall(LIST_QUEUES)
    assert read_response(held[0]).status == 200

    for sock in held:
        sock.close()
    # The server notices the closes asynchronously: served again once it has.
    wait_until(lambda: requests.get(f"{srv.url}/v2/queues", headers=zaqar_headers(),
                                    timeout=5).status_code == 200,
               5, "a request served after the held connections closed")


def test_inflight_limit_answers_503_with_retry_after(make_server):
    srv = make_server(server_max_inflight_requests=1)
    api = Api(srv)
    name = unique()
    assert api.put(f"/v2/queues/{name}").status_code == 201

    def post_many(worker):
        with api.peer() as session:
            out = []
            for n in range(15):
                out.append(session.post(f"/v2/queues/{name}/messages",
                                        json={"messages": [{"body": {"w": worker, "n": n}}]}))
            return out

    with concurrent.futures.ThreadPoolExecutor(12) as pool:
        responses = [r for rs in pool.map(post_many, range(12)) for r in rs]
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {201, 503}, statuses
    assert statuses.count(503) > 0, "12 concurrent clients never exceeded 1 request in flight"
    for r in responses:
        if r.status_code == 503:
            assert_overloaded(r)
    # Only the 201s were stored.
    stored = api.get(f"/v2/queues/{name}/stats").json()["messages"]["total"]
    assert stored == statuses.count(201)
