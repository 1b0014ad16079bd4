"""A real Keystone (Debian's python3-keystone) for the tests, on loopback in a private directory.

KeystoneServer(workdir).start() writes a keystone.conf (SQLite database, Fernet and credential
key repositories, all in `workdir`), writes the keys as `keystone-manage fernet_setup` and
`credential_setup` would, runs `keystone-manage db_sync` and `bootstrap` (admin user, project
and role, region RegionOne, the public identity endpoint), then serves keystone-wsgi-public with
uwsgi as one process on a free port.
stop() ends that process. Nothing here touches a Keystone the tests did not start.

The helpers talk to Keystone's REST API with an admin token fetched for each call, so they
keep working when tokens live only a few seconds (`token_expiration`).
"""

import os
import pathlib
import shutil
import signal
import socket
import subprocess
import time

import requests

START_TIMEOUT = 60.0
REQUEST_TIMEOUT = 10.0
ADMIN_PASSWORD = "admin-secret"
DOMAIN = "Default"
REGION = "RegionOne"

# What must be installed (scripts/setup.sh installs it): keystone-manage and keystone-wsgi-public
# come with python3-keystone, uwsgi with uwsgi-core, its Python 3 plugin with uwsgi-plugin-python3.
UWSGI_PYTHON_PLUGIN = pathlib.Path("/usr/lib/uwsgi/plugins/python3_plugin.so")


def missing_tools():
    """What is missing to run Keystone here: [] when everything is installed."""
    missing = [tool for tool in ("keystone-manage", "keystone-wsgi-public", "uwsgi")
               if shutil.which(tool) is None]
    if not UWSGI_PYTHON_PLUGIN.exists():
        missing.append(str(UWSGI_PYTHON_PLUGIN))
    return missing


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CONFIG = """\
[DEFAULT]
debug = false
[database]
connection = sqlite:///{dir}/keystone.db
[token]
provider = fernet
expiration = {expiration}
[fernet_tokens]
key_repository = {dir}/fernet-keys
[fernet_receipts]
key_repository = {dir}/fernet-receipts
[credential]
key_repository = {dir}/credential-keys
[identity]
# bcrypt's cheapest setting: every login hashes a password, and the tests log in a lot.
password_hash_rounds = 4
[cache]
# Keystone's in-process cache. Without it every validation recomputes role assignments with
# dozens of SQL queries (about 0.5 s per token on a small machine). Revocations still apply
# at once: revoking invalidates the cached validation.
enabled = true
backend = dogpile.cache.memory
"""


class KeystoneServer:
    """One Keystone: keystone-manage bootstraps it, uwsgi serves it."""

    def __init__(self, workdir, token_expiration=3600):
        self.dir = pathlib.Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.token_expiration = token_expiration
        self.config = self.dir / "keystone.conf"
        self.log_path = self.dir / "keystone.log"
        self.port = None
        self.proc = None
        self.startup_seconds = None
        self._bootstrapped = False
        self._log_offset = 0

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def v3(self):
        return self.url + "/v3"

    # -- lifecycle ---------------------------------------------------------------------------

    def _manage(self, *args):
        return subprocess.Popen(["keystone-manage", "--config-file", str(self.config), *args],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)

    def _wait_all(self, procs, what):
        for name, proc in procs:
            out, _ = proc.communicate(timeout=START_TIMEOUT)
            if proc.returncode != 0:
                raise RuntimeError(f"keystone-manage {name} ({what}) failed with status "
                                   f"{proc.returncode}:\n{out.decode(errors='replace')[-3000:]}")

    def _write_keys(self, repository):
        """What `keystone-manage fernet_setup` (and credential_setup) leaves behind: a private
        directory with key 0 (staged) and key 1 (primary), each a Fernet key. Written here
        because each keystone-manage run spends seconds importing Keystone."""
        from cryptography.fernet import Fernet  # a dependency of python3-keystone
        path = self.dir / repository
        path.mkdir(mode=0o700)
        for index in ("0", "1"):
            key = path / index
            key.write_bytes(Fernet.generate_key())
            key.chmod(0o600)

    def _bootstrap(self):
        self.config.write_text(CONFIG.format(dir=self.dir, expiration=self.token_expiration))
        for repository in ("fernet-keys", "fernet-receipts", "credential-keys"):
            self._write_keys(repository)
        self._wait_all([("db_sync", self._manage("db_sync"))], "setup")
        self._wait_all([("bootstrap", self._manage(
            "bootstrap", "--bootstrap-password", ADMIN_PASSWORD,
            "--bootstrap-username", "admin", "--bootstrap-project-name", "admin",
            "--bootstrap-role-name", "admin", "--bootstrap-region-id", REGION,
            "--bootstrap-public-url", self.v3))], "bootstrap")
        self._bootstrapped = True

    def start(self):
        """Bootstraps (first time only) and serves; returns self once /v3 answers."""
        started = time.monotonic()
        if self.port is None:
            self.port = free_port()
        if not self._bootstrapped:
            self._bootstrap()
        env = dict(os.environ, OS_KEYSTONE_CONFIG_FILES=str(self.config))
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                # No keep-alive: with one worker thread (below), a client idling on a kept-alive
                # connection would hold Keystone for everybody else. uwsgi's plain http-socket
                # closes after each response, and the header tells clients not to reuse it.
                ["uwsgi", "--http-socket", f"127.0.0.1:{self.port}",
                 "--add-header", "Connection: close", "--plugin", "python3",
                 "--wsgi-file", shutil.which("keystone-wsgi-public"), "--need-app",
                 # One request at a time: Keystone's SQLAlchemy sessions on SQLite break
                 # ("database is locked", connections finalized on another thread) with
                 # several uwsgi threads. Marconi sends one validation per token anyway.
                 "--processes", "1", "--threads", "1", "--enable-threads", "--die-on-term",
                 "--buffer-size", "65535"],
                cwd=self.dir, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"uwsgi exited with status {self.proc.returncode}:\n"
                                   f"{self.log_tail()}")
            try:
                if requests.get(self.v3, timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"Keystone did not answer within {START_TIMEOUT:.0f}s:\n"
                                   f"{self.log_tail()}")
            time.sleep(0.1)
        self.startup_seconds = time.monotonic() - started
        return self

    def stop(self):
        """SIGTERM (uwsgi --die-on-term exits), SIGKILL if it lingers. Idempotent."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.resume()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def pause(self):
        """SIGSTOP: connections are accepted (by the kernel) but never answered."""
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, size=4000):
        return self.log_path.read_text(errors="replace")[-size:] if self.log_path.exists() else ""

    def validations(self, settle=0.3):
        """How many token validations (GET /v3/auth/tokens) uwsgi has served so far. uwsgi
        logs a request just after answering it, so the count is read until it has not changed
        for `settle` seconds."""
        def count():
            text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
            return sum(1 for line in text.splitlines() if "GET /v3/auth/tokens" in line)

        last, stable_since = count(), time.monotonic()
        while time.monotonic() - stable_since < settle:
            time.sleep(0.05)
            now = count()
            if now != last:
                last, stable_since = now, time.monotonic()
        return last

    # -- REST helpers --------------------------------------------------------------------------

    def login(self, user, password, project, user_domain=DOMAIN, project_domain=DOMAIN):
        """A project-scoped token for `user`: (token, token body)."""
        body = {"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": user, "domain": {"name": user_domain}, "password": password}}},
            "scope": {"project": {"name": project, "domain": {"name": project_domain}}}}}
        r = requests.post(self.v3 + "/auth/tokens?nocatalog", json=body, timeout=REQUEST_TIMEOUT)
        if r.status_code != 201:
            raise RuntimeError(f"login of {user} in {project}: {r.status_code} {r.text}")
        return r.headers["X-Subject-Token"], r.json()["token"]

    def _admin(self, method, path, **kwargs):
        token, _ = self.login("admin", ADMIN_PASSWORD, "admin")
        headers = kwargs.pop("headers", {})
        headers["X-Auth-Token"] = token
        r = requests.request(method, self.v3 + path, headers=headers, timeout=REQUEST_TIMEOUT,
                             **kwargs)
        if r.status_code >= 300:
            raise RuntimeError(f"{method} {path}: {r.status_code} {r.text}")
        return r.json() if r.content else None

    def _find(self, collection, name):
        found = self._admin("GET", f"/{collection}", params={"name": name})[collection]
        return found[0]["id"] if found else None

    def ensure_role(self, name):
        return self._find("roles", name) or self._admin(
            "POST", "/roles", json={"role": {"name": name}})["role"]["id"]

    def ensure_project(self, name):
        return self._find("projects", name) or self._admin(
            "POST", "/projects", json={"project": {"name": name, "domain_id": "default"}}
        )["project"]["id"]

    def create_user(self, name, password, project, roles):
        """A user with `roles` on `project` (created as needed); returns (user id, project id)."""
        project_id = self.ensure_project(project)
        user_id = self._admin("POST", "/users", json={"user": {
            "name": name, "password": password, "domain_id": "default"}})["user"]["id"]
        for role in roles:
            role_id = self.ensure_role(role)
            self._admin("PUT", f"/projects/{project_id}/users/{user_id}/roles/{role_id}")
        return user_id, project_id

    def validate(self, token):
        """GET /v3/auth/tokens as admin, as Marconi validates: the token's body."""
        return self._admin("GET", "/auth/tokens", headers={"X-Subject-Token": token})

    def revoke(self, token):
        """DELETE /v3/auth/tokens as admin: the token is refused from now on."""
        self._admin("DELETE", "/auth/tokens", headers={"X-Subject-Token": token})

    def register_endpoint(self, service_type, name, url):
        """Points the catalog's public `service_type` endpoint in RegionOne at `url`."""
        services = self._admin("GET", "/services", params={"type": service_type})["services"]
        if services:
            service_id = services[0]["id"]
        else:
            service_id = self._admin("POST", "/services", json={"service": {
                "type": service_type, "name": name}})["service"]["id"]
        endpoints = self._admin("GET", "/endpoints", params={
            "service_id": service_id, "interface": "public"})["endpoints"]
        endpoint = {"url": url, "interface": "public", "region_id": REGION,
                    "service_id": service_id}
        if endpoints:
            self._admin("PATCH", f"/endpoints/{endpoints[0]['id']}", json={"endpoint": endpoint})
        else:
            self._admin("POST", "/endpoints", json={"endpoint": endpoint})
