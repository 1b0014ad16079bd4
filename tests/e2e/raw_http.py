"""A minimal HTTP/1.1 client on a raw socket, for tests that must see exactly what the server
sends or doesn't: slow senders, truncated responses, `Connection: close`, when a socket closes.
"""

import json
import socket
import time
import uuid
import weakref

DEFAULT_TIMEOUT = 10.0


class Truncated(Exception):
    """The connection ended in the middle of a response."""

    def __init__(self, data):
        super().__init__(f"connection ended after {len(data)} bytes of a response: {data[:200]!r}")
        self.data = data


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-case names
        self.body = body

    def json(self):
        return json.loads(self.body)

    @property
    def closes(self):
        return self.headers.get("connection", "").lower() == "close"

    def __repr__(self):
        return f"Response({self.status}, {self.headers}, {self.body[:200]!r})"


def connect(port, timeout=DEFAULT_TIMEOUT):
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def zaqar_headers(project_id=None, client_id=None):
    return {"Client-ID": client_id or str(uuid.uuid4()),
            "X-Project-ID": project_id or f"e2e-{uuid.uuid4().hex[:16]}"}


def request_bytes(method, path, body=b"", headers=None):
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in (headers or zaqar_headers()).items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append("Content-Type: application/json")
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _recv(sock):
    try:
        return sock.recv(65536)
    except (ConnectionResetError, ConnectionAbortedError):
        return b""


# Bytes read past the end of a response (the start of the next one, when the server answered
# pipelined requests in one write), per socket, for the next read_response.
_unread = weakref.WeakKeyDictionary()


def read_response(sock):
    """One response (Content-Length framed). None if the connection ended before its first
    byte; raises Truncated if it ended part way through."""
    data = _unread.pop(sock, b"")
    while b"\r\n\r\n" not in data:
        chunk = _recv(sock)
        if not chunk:
            if data:
                raise Truncated(data)
            return None
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, value = line.split(":", 1)
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = _recv(sock)
        if not chunk:
            raise Truncated(data)
        data += chunk
        body += chunk
    if len(body) > length:
        _unread[sock] = body[length:]
    return Response(status, headers, body[:length])


def seconds_until_closed(sock, limit):
    """Seconds until the peer closes the connection (EOF or reset), or None if it is still
    open after `limit` seconds. Fails if the peer sends anything."""
    assert not _unread.get(sock), f"expected the connection to close, got {_unread[sock][:200]!r}"
    start = time.monotonic()
    sock.settimeout(limit)
    try:
        data = _recv(sock)
    except socket.timeout:
        return None
    assert data == b"", f"expected the connection to close, got {data[:200]!r}"
    return time.monotonic() - start


def is_closed(sock):
    """True if the peer has closed (or reset) the connection; never blocks long."""
    return seconds_until_closed(sock, 0.05) is not None
