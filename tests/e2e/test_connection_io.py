"""How the listener reads requests and writes responses on one keep-alive connection: requests
that arrive together (pipelined) or in pieces, and responses too large for the socket's send
buffer, which go out in part at once and the rest asynchronously."""

import json
import time

from raw_http import connect, read_response, request_bytes, zaqar_headers
from e2e_helpers import unique


def test_pipelined_requests_are_answered_in_order(server):
    headers = zaqar_headers()
    queue = unique("pipe")
    body = [{"ttl": 300, "body": {"n": n}} for n in range(3)]
    batch = (request_bytes("GET", "/v2/ping", headers=headers)
             + request_bytes("POST", f"/v2/queues/{queue}/messages", body={"messages": body},
                             headers=headers)
             + request_bytes("GET", f"/v2/queues/{queue}/messages?echo=true", headers=headers))
    with connect(server.port) as sock:
        sock.sendall(batch)  # one write: the server reads all three requests at once
        ping, post, listing = (read_response(sock) for _ in range(3))
    assert ping.status == 204
    assert post.status == 201, post
    assert [m["body"] for m in listing.json()["messages"]] == [{"n": n} for n in range(3)]


def test_a_request_arriving_in_pieces_is_served(server):
    headers = zaqar_headers()
    queue = unique("pieces")
    raw = request_bytes("POST", f"/v2/queues/{queue}/messages",
                        body={"messages": [{"ttl": 300, "body": "x" * 5000}]}, headers=headers)
    head_end = raw.index(b"\r\n\r\n")
    # Part of the header, the rest of it with part of the body, then the rest of the body.
    pieces = [raw[:20], raw[20:head_end + 100], raw[head_end + 100:]]
    with connect(server.port) as sock:
        for piece in pieces:
            sock.sendall(piece)
            time.sleep(0.05)  # so that the pieces arrive apart: what is tested
        response = read_response(sock)
        assert response.status == 201, response
        # The connection is still in step: the next request gets its own answer.
        sock.sendall(request_bytes("GET", f"/v2/queues/{queue}/messages?echo=true",
                                   headers=headers))
        listing = read_response(sock)
    assert [m["body"] for m in listing.json()["messages"]] == ["x" * 5000]


def test_a_response_larger_than_the_send_buffer_arrives_whole(server):
    headers = zaqar_headers()
    queue = unique("big")
    # Ten messages of ~200 KB: a 2 MB listing, far beyond what a socket takes at once.
    with connect(server.port) as sock:
        for n in range(10):
            body = {"messages": [{"ttl": 300, "body": {"n": n, "pad": "y" * 200_000}}]}
            sock.sendall(request_bytes("POST", f"/v2/queues/{queue}/messages", body=body,
                                       headers=headers))
            assert read_response(sock).status == 201
        sock.sendall(request_bytes("GET", f"/v2/queues/{queue}/messages?echo=true&limit=10",
                                   headers=headers))
        time.sleep(0.5)  # read nothing for a while: the server's write must wait, not fail
        listing = read_response(sock)
        assert listing.status == 200
        assert [m["body"]["n"] for m in json.loads(listing.body)["messages"]] == list(range(10))
        # And the connection carries on.
        sock.sendall(request_bytes("GET", "/v2/ping", headers=headers))
        assert read_response(sock).status == 204
