"""Marconi end-to-end tests: fixtures that run the real server binary.

The session server is started once with `marconi serve --port 0 --admin-mode` on a SQLite
file in a temporary directory; every test gets its own project id (so tests never see each
other's queues) and its own Client-ID. `fresh_server` starts a private server per test, for
tests that restart or kill it (durability).

`auth_server` starts a private server with `[auth] strategy = "apikeys"`, a keys file hashed
with `marconi hash-key` and an optional policy file.

`keystone` is a real Keystone for the session (tests/support/keystone_server.py: SQLite, Fernet
tokens living KEYSTONE_TOKEN_SECONDS, uwsgi on a free loopback port), started on first use with
users in two projects; `keystone_server` starts private Marconi servers validating tokens
against it (`[auth] strategy = "keystone"`).

Environment:
  MARCONI_BIN           path of the server binary (default: build/src/app/marconi)
  MARCONI_E2E_STORAGE   sqlite (default), redis, redis-cluster or postgres: the store every
                        server of the run uses. For Redis and PostgreSQL the run starts its own
                        servers on loopback (a standalone redis-server, a 3-master Cluster, or
                        one postgres: tests/support/postgres_servers.py) and stops them at the
                        end; each ServerProcess gets its own store key, kept across restarts:
                        a Redis key prefix (?prefix=) or a PostgreSQL schema (?schema=).
  MARCONI_E2E_HEADS     how many servers (heads) share the store behind the session `server`
                        (Redis or PostgreSQL; default 1). With 2 or more, consecutive requests go to
                        different heads, and the heads read queue metadata on every request
                        (metadata_cache_seconds = 0) so that one head never acts on metadata
                        another has just changed.
"""

import collections
import json
import os
import pathlib
import queue as queue_mod
import re
import itertools
import signal
import subprocess
import sys
import tempfile
import threading
import uuid

import pytest
import requests

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO_ROOT / "build" / "src" / "app" / "marconi"
START_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0
REQUEST_TIMEOUT = 10.0
LISTEN_RE = re.compile(r"marconi listening on (\S+):(\d+)")


sys.path.insert(0, str(REPO_ROOT / "tests" / "support"))
import redis_servers  # noqa: E402  (tests/support, shared with ctest's fixture)
import postgres_servers  # noqa: E402  (tests/support, shared with ctest's fixture)
import keystone_server as keystone_support  # noqa: E402  (tests/support)

STORAGE = os.environ.get("MARCONI_E2E_STORAGE", "sqlite")
if STORAGE not in ("sqlite", "redis", "redis-cluster", "postgres"):
    raise RuntimeError(f"MARCONI_E2E_STORAGE={STORAGE!r}: use sqlite, redis, redis-cluster or "
                       "postgres")

HEADS = int(os.environ.get("MARCONI_E2E_HEADS", "1"))
if HEADS > 1 and STORAGE == "sqlite":
    raise RuntimeError("MARCONI_E2E_HEADS > 1 needs a shared store: set MARCONI_E2E_STORAGE")

_redis = {}  # "servers": the RedisServer objects, "uri": their URI; started on first use


def redis_base_uri():
    """The run's Redis (started on first use), as a storage URI without a key prefix."""
    if not _redis:
        workdir = tempfile.mkdtemp(prefix="marconi-e2e-redis-")
        if STORAGE == "redis":
            server = redis_servers.RedisServer(workdir).start()
            _redis.update(servers=[server], uri=server.uri)
        else:
            nodes, uri = redis_servers.start_cluster(workdir)
            _redis.update(servers=nodes, uri=uri)
    return _redis["uri"]


_postgres = {}  # "server": the run's PostgresServer; started on first use


def postgres_base_uri():
    """The run's PostgreSQL (started on first use), as a storage URI without a schema."""
    if not _postgres:
        workdir = tempfile.mkdtemp(prefix="marconi-e2e-postgres-")
        _postgres["server"] = postgres_servers.PostgresServer(workdir).start()
    return _postgres["server"].uri


@pytest.fixture(scope="session", autouse=True)
def _stores_teardown():
    yield
    for server in _redis.get("servers", []):
        server.stop()
    if _postgres:
        _postgres["server"].remove()  # stops it and deletes its cluster


def marconi_bin():
    return pathlib.Path(os.environ.get("MARCONI_BIN", DEFAULT_BIN)).resolve()


class ServerProcess:
    """One `marconi serve` process on a given SQLite file."""

    def __init__(self, workdir, db_path, admin_mode=False, store_key=None, scheme="http",
                 config_path=None, env=None):
        self.workdir = pathlib.Path(workdir)
        self.db_path = pathlib.Path(db_path)
        self.admin_mode = admin_mode
        self.config_path = config_path
        self.env = env or {}  # MARCONI_* settings of this server alone
        self.scheme = scheme
        # One store key (Redis key prefix, PostgreSQL schema) per server object, so its data
        # survives its restarts as a file would; heads of one deployment pass the same key.
        self.store_key = store_key or "e2e-" + uuid.uuid4().hex[:12]
        self.proc = None
        self.url = None
        self.port = None
        self._starts = 0
        self._stderr_path = None
        self._stdout_lines = None

    @property
    def storage_uri(self):
        if STORAGE == "sqlite":
            # sqlite:/// + absolute path (SQLAlchemy style: four slashes for an absolute path).
            return "sqlite:///" + str(self.db_path)
        if STORAGE == "postgres":
            # e2e-0123abcd -> e2e_0123abcd: an identifier needs no quoting without the '-'.
            return f"{postgres_base_uri()}?schema={self.store_key.replace('-', '_')}"
        return f"{redis_base_uri()}?prefix={self.store_key}"

    def start(self):
        binary = marconi_bin()
        if not binary.exists():
            pytest.fail(f"server binary not found: {binary} (build it, or set MARCONI_BIN)")
        self._starts += 1
        self._stderr_path = self.workdir / f"server-{self._starts}.stderr"
        args = [str(binary), "serve", "--bind", "127.0.0.1", "--port", "0",
                "--storage-uri", self.storage_uri]
        if self.admin_mode:
            args.append("--admin-mode")
        if self.config_path:
            args += ["--config", str(self.config_path)]
        with open(self._stderr_path, "wb") as err:
            self.proc = subprocess.Popen(args, cwd=self.workdir, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.PIPE, stderr=err,
                                         env={**os.environ, **self.env})
        # A reader thread drains stdout so the server can never block on a full pipe.
        lines = queue_mod.Queue()
        self._stdout_lines = []

        def reader(stream, sink, keep):
            for raw in iter(stream.readline, b""):
                line = raw.decode("utf-8", "replace").rstrip("\n")
                keep.append(line)
                sink.put(line)
            sink.put(None)

        threading.Thread(target=reader, args=(self.proc.stdout, lines, self._stdout_lines),
                         daemon=True).start()
        try:
            while True:
                line = lines.get(timeout=START_TIMEOUT)
                if line is None:
                    self.proc.wait(timeout=STOP_TIMEOUT)
                    pytest.fail(f"server exited with {self.proc.returncode} before listening"
                                f"\n{self.diagnostics()}")
                m = LISTEN_RE.search(line)
                if m:
                    self.port = int(m.group(2))
                    self.url = f"{self.scheme}://127.0.0.1:{self.port}"
                    return self
        except queue_mod.Empty:
            self.proc.kill()
            self.proc.wait()
            pytest.fail(f"server did not print 'marconi listening on HOST:PORT' within "
                        f"{START_TIMEOUT:.0f}s\n{self.diagnostics()}")

    def stop(self):
        """SIGTERM, then require a clean exit within STOP_TIMEOUT."""
        if self.proc is None or self.proc.poll() is not None:
            return self._check_exit()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            pytest.fail(f"server did not exit within {STOP_TIMEOUT:.0f}s of SIGTERM"
                        f"\n{self.diagnostics()}")
        self._check_exit()

    def _check_exit(self):
        rc = self.proc.returncode if self.proc else 0
        # 0 = graceful shutdown; -SIGTERM = killed by the default signal action (no handler).
        if rc not in (0, -signal.SIGTERM):
            pytest.fail(f"server exited with status {rc}\n{self.diagnostics()}")

    def kill(self):
        """SIGKILL: no chance to flush anything (durability checks)."""
        self.proc.kill()
        self.proc.wait()

    def restart(self, hard=True):
        """Stops (SIGKILL when hard, else SIGTERM) and starts again on the same database."""
        if hard:
            self.kill()
        else:
            self.stop()
        return self.start()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stderr_text(self):
        """Everything the server has logged so far (its latest run)."""
        return self._stderr_path.read_text(errors="replace") if self._stderr_path else ""

    def log_text(self):
        """What the server (its latest start) has logged so far, on stderr."""
        if self._stderr_path and self._stderr_path.exists():
            return self._stderr_path.read_text(errors="replace")
        return ""

    def diagnostics(self):
        stderr = ""
        if self._stderr_path and self._stderr_path.exists():
            stderr = self._stderr_path.read_text(errors="replace")[-8000:]
        stdout = "\n".join(self._stdout_lines or [])[-2000:]
        status = self.proc.poll() if self.proc else None
        status = "running" if status is None else f"exited with status {status}"
        return f"--- server {status} ---\n--- server stdout ---\n{stdout}\n--- server stderr (tail) ---\n{stderr}"


class Api(requests.Session):
    """A requests.Session bound to one server, with Zaqar headers and a default timeout.

    Paths starting with "/" are resolved against the server URL.
    """

    def __init__(self, server, project_id=None, client_id=None, token=None):
        super().__init__()
        self.server = server
        self.project_id = project_id or f"e2e-{uuid.uuid4().hex[:16]}"
        self.client_id = client_id or str(uuid.uuid4())
        self.headers.update({"Client-ID": self.client_id, "X-Project-ID": self.project_id})
        if token is not None:
            self.headers["X-Auth-Token"] = token

    @property
    def base_url(self):
        return self.server.url

    def request(self, method, url, **kwargs):
        if url.startswith("/"):
            url = self.server.url + url
        kwargs.setdefault("timeout", REQUEST_TIMEOUT)
        # Explicitly, or REQUESTS_CA_BUNDLE in the environment would override session.verify
        # (a test's own CA for an https:// server).
        kwargs.setdefault("verify", self.verify)
        return super().request(method, url, **kwargs)

    def peer(self):
        """Another client (new Client-ID) of the same project."""
        return Api(self.server, project_id=self.project_id)


class HeadGroup:
    """Several servers on one store, used as one deployment: every read of .url or .port names
    the next head in turn, so consecutive requests of a test land on different heads."""

    def __init__(self, heads):
        self.heads = heads
        self._turn = itertools.count()

    def _next(self):
        return self.heads[next(self._turn) % len(self.heads)]

    @property
    def url(self):
        return self._next().url

    @property
    def port(self):
        return self._next().port

    def start(self):
        for head in self.heads:
            if not head.alive():
                head.start()
        return self

    def stop(self):
        for head in self.heads:
            head.stop()

    def alive(self):
        return all(head.alive() for head in self.heads)

    def diagnostics(self):
        return "\n".join(head.diagnostics() for head in self.heads)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The shared server (admin mode on, v1 and v1.1 served beside v2), running for the whole
    session: MARCONI_E2E_HEADS servers on one store."""
    workdir = tmp_path_factory.mktemp("marconi")
    env = {"MARCONI_TRANSPORT_ENABLE_DEPRECATED_API_VERSIONS": "1,1.1"}
    if HEADS == 1:
        srv = ServerProcess(workdir, workdir / "m.db", admin_mode=True, env=env).start()
    else:
        os.environ["MARCONI_STORAGE_METADATA_CACHE_SECONDS"] = "0"
        prefix = "e2e-" + uuid.uuid4().hex[:12]
        srv = HeadGroup([ServerProcess(workdir, workdir / f"m{i}.db", admin_mode=True,
                                       store_key=prefix, env=env)
                         for i in range(HEADS)]).start()
    yield srv
    srv.stop()


@pytest.fixture
def fresh_server(tmp_path):
    """A private server on its own database, for tests that restart or kill it."""
    srv = ServerProcess(tmp_path, tmp_path / "m.db").start()
    yield srv
    if srv.alive():
        srv.stop()


@pytest.fixture
def make_server(tmp_path, monkeypatch):
    """Starts private servers (admin mode off) with settings given as MARCONI_* variables:
    make_server(server_idle_timeout_seconds=1) sets MARCONI_SERVER_IDLE_TIMEOUT_SECONDS=1 for
    the rest of the test, restarts included. Servers still running at the end are stopped.
    With server_tls_cert_file (and _key_file) the server's url is https://. config_toml is
    the text of a --config file (for what has no variable, such as [[quotas.project]])."""
    started = []

    def make(config_toml=None, **settings):
        for name, value in settings.items():
            monkeypatch.setenv(f"MARCONI_{name.upper()}", str(value))
        scheme = "https" if settings.get("server_tls_cert_file") else "http"
        config_path = None
        if config_toml is not None:
            config_path = tmp_path / f"m{len(started)}.toml"
            config_path.write_text(config_toml)
        srv = ServerProcess(tmp_path, tmp_path / f"m{len(started)}.db", scheme=scheme,
                            config_path=config_path).start()
        started.append(srv)
        return srv

    yield make
    for srv in started:
        if srv.alive():
            srv.stop()


# One entry of an apikeys keys file; `key` is the secret a client sends as X-Auth-Token.
ApiKey = collections.namedtuple("ApiKey", "name key project roles")


def new_api_key(name, project, roles=()):
    """A random 64-hex-digit key, as `openssl rand -hex 32` would make."""
    return ApiKey(name, uuid.uuid4().hex + uuid.uuid4().hex, project, list(roles))


def hash_key_line(key):
    """The keys-file line for `key`, from `marconi hash-key` (what an operator runs)."""
    done = subprocess.run([str(marconi_bin()), "hash-key"], input=key.encode() + b"\n",
                          capture_output=True, timeout=STOP_TIMEOUT)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode().strip()


def write_keys_file(path, keys):
    lines = []
    for k in keys:
        lines += ["[[keys]]", f'name = "{k.name}"', hash_key_line(k.key),
                  f'project = "{k.project}"', f"roles = {json.dumps(k.roles)}", ""]
    path.write_text("\n".join(lines))
    return path


@pytest.fixture
def auth_server(make_server, tmp_path):
    """Starts a private apikeys server: auth_server(keys, policy=None, **settings). `keys` are
    ApiKeys written to a keys file; `policy` (a dict of rule -> check string) becomes a JSON
    policy file; other settings go to make_server (e.g. server_admin_mode="true")."""

    def start(keys, policy=None, **settings):
        keys_path = write_keys_file(tmp_path / f"keys-{uuid.uuid4().hex[:8]}.toml", keys)
        settings.setdefault("auth_strategy", "apikeys")
        settings["auth_keys_file"] = keys_path
        settings["auth_policy_file"] = ""  # Zaqar's defaults, unless given
        if policy is not None:
            policy_path = tmp_path / f"policy-{uuid.uuid4().hex[:8]}.json"
            policy_path.write_text(json.dumps(policy))
            settings["auth_policy_file"] = policy_path
        return make_server(**settings)

    return start


@pytest.fixture
def api(server):
    """A session for a brand-new project on the shared server."""
    with Api(server) as session:
        yield session


@pytest.fixture
def base_url(server):
    return server.url


@pytest.fixture
def queue_name(api):
    """A queue created (PUT) in the test's own project."""
    name = f"q-{uuid.uuid4().hex[:12]}"
    r = api.put(f"/v2/queues/{name}")
    assert r.status_code == 201, r.text
    return name


@pytest.fixture(autouse=True)
def _server_guard(request):
    """Blames a crash of the shared server on the test that caused it, then restarts it.

    Without this one crash would turn every later test into a connection error.
    """
    srv = request.getfixturevalue("server") if "server" in request.fixturenames else None
    if srv is not None and not srv.alive():
        srv.start()  # died in an earlier test (which already failed); same database
    yield
    if srv is not None and not srv.alive():
        pytest.fail(f"the server died during this test\n{srv.diagnostics()}")


# Short, so that the expiry test waits little; every helper logs in afresh for each call.
KEYSTONE_TOKEN_SECONDS = 10
# The accounts the keystone fixture creates: user -> (password, project, roles).
KEYSTONE_USERS = {
    "marconi": ("marconi-secret", "service", ["service"]),  # the service user Marconi logs in as
    "alice": ("alice-secret", "acme", ["member"]),
    "carol": ("carol-secret", "acme", ["admin"]),
    "bob": ("bob-secret", "globex", ["member"]),
}


class KeystoneDeployment:
    """The session's Keystone and the ids of what the fixture created in it."""

    def __init__(self, server):
        self.server = server
        self.project_ids = {}  # project name -> id
        self.user_ids = {}

    def login(self, user):
        """A fresh project-scoped token for one of KEYSTONE_USERS: (token, token body)."""
        password, project, _ = KEYSTONE_USERS[user]
        return self.server.login(user, password, project)


def require_tools(missing, what):
    """Fails (under CI) or skips (elsewhere) what needs packages this machine lacks."""
    if not missing:
        return
    message = f"{what} need {', '.join(missing)} (bash scripts/setup.sh installs them)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def keystone(tmp_path_factory):
    """Starts Keystone (once per session, on first use) and creates KEYSTONE_USERS. Missing
    packages fail the test under CI and skip it elsewhere."""
    require_tools(keystone_support.missing_tools(), "Keystone tests")
    server = keystone_support.KeystoneServer(tmp_path_factory.mktemp("keystone"),
                                            token_expiration=KEYSTONE_TOKEN_SECONDS)
    try:
        server.start()
        deployment = KeystoneDeployment(server)
        for user, (password, project, roles) in KEYSTONE_USERS.items():
            user_id, project_id = server.create_user(user, password, project, roles)
            deployment.user_ids[user] = user_id
            deployment.project_ids[project] = project_id
    except BaseException:
        server.stop()
        raise
    print(f"\nkeystone: ready on {server.url} after {server.startup_seconds:.1f} s "
          f"(bootstrap and uwsgi start-up), users created", file=sys.stderr)
    yield deployment
    server.stop()


@pytest.fixture
def keystone_server(make_server, keystone):
    """Starts a private Marconi that validates tokens against the session's Keystone as the
    `marconi` service user; keystone_server(**settings) passes other settings to make_server
    (e.g. keystone_authtoken_token_cache_time=2, server_admin_mode="true")."""

    def start(**settings):
        password, project, _ = KEYSTONE_USERS["marconi"]
        settings.setdefault("auth_strategy", "keystone")
        settings.setdefault("keystone_authtoken_auth_url", keystone.server.url)
        settings.setdefault("keystone_authtoken_username", "marconi")
        settings.setdefault("keystone_authtoken_password", password)
        settings.setdefault("keystone_authtoken_project_name", project)
        settings.setdefault("keystone_authtoken_http_connect_timeout", 2)
        return make_server(**settings)

    return start
