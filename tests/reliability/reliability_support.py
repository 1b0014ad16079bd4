"""Shared pieces of the reliability tests: the e2e server runner, a tolerant HTTP client,
and /proc sampling.

The server runner is the e2e suite's `ServerProcess` (tests/e2e/conftest.py), loaded under its
own module name so it never clashes with this folder's modules or with pytest's `conftest`.
"""

import importlib.util
import pathlib
import sys
import uuid

import requests

E2E_DIR = pathlib.Path(__file__).resolve().parents[1] / "e2e"
if str(E2E_DIR) not in sys.path:
    sys.path.insert(0, str(E2E_DIR))

import e2e_helpers  # noqa: E402  (tests/e2e, added to sys.path above)


def _load_e2e_conftest():
    name = "marconi_e2e_conftest"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, E2E_DIR / "conftest.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


_e2e = _load_e2e_conftest()
ServerProcess = _e2e.ServerProcess
marconi_bin = _e2e.marconi_bin

split_href = e2e_helpers.split_href
id_from_href = e2e_helpers.id_from_href
next_href = e2e_helpers.next_href
wait_until = e2e_helpers.wait_until

# What a request that never got an answer raises: refused, reset, truncated, timed out.
TRANSPORT_ERRORS = (requests.ConnectionError, requests.Timeout,
                    requests.exceptions.ChunkedEncodingError)


class UriServer(ServerProcess):
    """A ServerProcess on a given storage URI (a Redis or PostgreSQL the test started)."""

    def __init__(self, workdir, storage_uri):
        super().__init__(workdir, pathlib.Path(workdir) / "unused.db")
        self._storage_uri = storage_uri

    @property
    def storage_uri(self):
        return self._storage_uri


class Client(requests.Session):
    """A keep-alive session for one project that follows the server across restarts.

    `call` returns the response, or None when the request got no answer (server killed,
    connection refused or reset, timeout): the request's outcome is unknown.
    """

    def __init__(self, server, project_id, timeout=5.0):
        super().__init__()
        self.server = server
        self.timeout = timeout
        self.headers.update({"Client-ID": str(uuid.uuid4()), "X-Project-ID": project_id})

    def call(self, method, path, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        url = self.server.url + path if path.startswith("/") else path
        try:
            return self.request(method, url, **kwargs)
        except TRANSPORT_ERRORS:
            return None

    def must(self, method, path, **kwargs):
        """Like call, but the server is expected up: no answer is a test failure."""
        r = self.call(method, path, **kwargs)
        assert r is not None, f"{method} {path}: no answer from a running server"
        return r


def list_all(client, queue, **params):
    """Every message of `queue` (echo and include_claimed on), following next links."""
    params = {"echo": "true", "include_claimed": "true", "limit": 20, **params}
    r = client.must("GET", f"/v2/queues/{queue}/messages", params=params)
    assert r.status_code == 200, (r.status_code, r.text)
    body = r.json()
    out = list(body["messages"])
    while body["messages"]:
        href = next_href(body)
        assert href, body
        r = client.must("GET", href)
        assert r.status_code == 200, (r.status_code, r.text)
        body = r.json()
        out += body["messages"]
    return out


def listed_tokens(server, project, queue):
    """The "token" of every message body in `queue`, in order: what the outage tests posted."""
    return [m["body"]["token"] for m in list_all(Client(server, project), queue)]


def proc_sample(pid):
    """(VmRSS in KiB, open fd count) of a live process."""
    rss = None
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
                break
    fds = len(list(pathlib.Path(f"/proc/{pid}/fd").iterdir()))
    return rss, fds


def median(values):
    s = sorted(values)
    n = len(s)
    if n == 0:
        raise ValueError("median of nothing")
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2

