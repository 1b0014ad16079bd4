#!/usr/bin/env python3
"""Real PostgreSQL servers for the tests, on loopback in a private directory.

    postgres_servers.py start DIR   initdb's a fresh cluster, starts a postgres on a free port
                                    of 127.0.0.1, writes DIR/postgres.uri
                                    (postgresql://marconi:PASSWORD@127.0.0.1:PORT/marconi) and
                                    returns once the server accepts connections
    postgres_servers.py stop DIR    stops what `start DIR` started (pg_ctl stop -m fast) and
                                    deletes its cluster

The role `marconi` logs in over TCP with a password (scram-sha-256) and owns the database
`marconi`; the tests isolate themselves with the driver's `?schema=NAME`. The cluster lives in
a directory of the system's temporary directory, not in DIR: PostgreSQL refuses to run as root,
so under root the server runs as the `postgres` user of Debian's package, which could not reach
a DIR under a private directory (pytest's /tmp/pytest-of-root is 0700); that also keeps the
unix socket path short. DIR holds the URI, the server's log and the cluster's location.

start_standby(primary, workdir) adds a streaming hot standby of a running PostgresServer; with
primary.require_synchronous_standby() every commit waits for it, and standby.promote() makes it
the primary (the reliability tests' failover).

ctest runs these as fixture setup/cleanup around the storage contract suite; the e2e tests use
PostgresServer from Python. MARCONI_PG_BIN overrides where initdb, postgres, pg_ctl, psql and
pg_isready are (default /usr/lib/postgresql/15/bin). Nothing here touches a PostgreSQL that
the tests did not start.
"""

import os
import pathlib
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time

import server_fixture
from server_fixture import port_is_free

PG_BIN = pathlib.Path(os.environ.get("MARCONI_PG_BIN", "/usr/lib/postgresql/15/bin"))
START_TIMEOUT = 30.0
STOP_TIMEOUT = 30.0
ROLE = DATABASE = "marconi"
SUPERUSER = "postgres"  # initdb's bootstrap role, whoever runs the server
# The server's unix socket is DIR/.s.PGSQL.PORT, and a socket path has at most 107 bytes.
MAX_SOCKET_DIR = 90

# Durable as production would be, small for a 2-core box. No parallel query: on a test box it
# only competes with the tests for the cores, and its dynamic shared memory would come from
# /dev/shm, which is 64 MB in a default container.
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "on",
    "synchronous_commit": "on",
    "full_page_writes": "on",
    "shared_buffers": "128MB",
    "max_connections": "200",
    "max_parallel_workers_per_gather": "0",
    "password_encryption": "'scram-sha-256'",
    "log_line_prefix": "'%m [%p] %u@%d '",
}

# The superuser only over the unix socket, in a 0700 directory of the server's user (also for
# streaming replication: a standby of start_standby connects that way); everyone else over
# loopback TCP with a password.
PG_HBA = f"""\
local all {SUPERUSER} trust
local replication {SUPERUSER} trust
host all all 127.0.0.1/32 scram-sha-256
"""


def free_port():
    # 40000-44999: clear of redis_servers.py's ports (20000-39999) and of most ephemeral ports.
    for _ in range(200):
        port = random.randint(40000, 44999)
        if port_is_free(port):
            return port
    raise RuntimeError("no free port for postgres")


def server_user():
    """The user the server runs as, and the command prefix that runs a program as it."""
    if os.geteuid() != 0:
        return None, []
    # setpriv execs (no fork in between), so a Popen's pid is the postmaster's own.
    return SUPERUSER, ["setpriv", "--reuid", SUPERUSER, "--regid", SUPERUSER, "--init-groups",
                       "--"]


def run(args, what, **kwargs):
    out = subprocess.run(args, capture_output=True, text=True, timeout=STOP_TIMEOUT, **kwargs)
    if out.returncode != 0:
        raise RuntimeError(f"{what}: {' '.join(map(str, args))}: {out.stderr or out.stdout}")
    return out.stdout


def children_of(pid):
    """The pids of pid's child processes (the postmaster's backends and auxiliaries)."""
    kids = []
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            # pid (comm) state ppid ...; comm may hold spaces, so split after its ')'.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def alive(pid):
    """Whether pid runs; a zombie (exited, not yet reaped by its new parent) does not."""
    try:
        state = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


class PostgresServer:
    """One postgres cluster and its postmaster; the cluster (and port) survive restarts."""

    def __init__(self, workdir, port=None, password=None):
        self.workdir = pathlib.Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.password = password or secrets.token_hex(16)
        self.user, self._as_user = server_user()
        # root holds the cluster (root/data) and the unix socket; see the module docstring.
        self.root = pathlib.Path(tempfile.mkdtemp(prefix="marconi-pg-"))
        if len(str(self.root)) > MAX_SOCKET_DIR:
            raise RuntimeError(f"{self.root}: too long a path for postgres's unix socket "
                               f"(set TMPDIR to a shorter directory)")
        self.pgdata = self.root / "data"
        self.log = self.workdir / f"postgres-{self.port}.log"
        self.proc = None

    @property
    def uri(self):
        return f"postgresql://{ROLE}:{self.password}@127.0.0.1:{self.port}/{DATABASE}"

    def _initdb(self):
        if self.user:
            shutil.chown(self.root, self.user, self.user)
        self.root.chmod(0o700)
        # C locale: byte-order collation whatever locales the machine has; --no-sync: what the
        # tests crash is the server process, never the machine, so the page cache keeps
        # initdb's files anyway. --auth=trust only quiets initdb: pg_hba.conf is rewritten.
        run([*self._as_user, PG_BIN / "initdb", "-D", self.pgdata, "-U", SUPERUSER,
             "--encoding=UTF8", "--locale=C", "--auth=trust", "--no-sync"], "initdb")
        conf = "".join(f"{k} = {v}\n" for k, v in SETTINGS.items())
        conf += f"port = {self.port}\nunix_socket_directories = '{self.root}'\n"
        with open(self.pgdata / "postgresql.conf", "a") as f:
            f.write("\n# tests/support/postgres_servers.py\n" + conf)
        (self.pgdata / "pg_hba.conf").write_text(PG_HBA)  # keeps initdb's owner and mode

    def _bootstrap(self):
        """The password role and its database, as the superuser over the unix socket."""
        self.psql(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{self.password}'")
        self.psql(f"CREATE DATABASE {DATABASE} OWNER {ROLE}")

    def psql(self, sql, database="postgres"):
        """Runs sql as the superuser; returns psql's unaligned, tuples-only output."""
        return run([PG_BIN / "psql", "-h", self.root, "-p", str(self.port), "-U", SUPERUSER,
                    "-d", database, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                    "-c", sql], "psql")

    def start(self):
        fresh = not (self.pgdata / "PG_VERSION").exists()
        if fresh:
            self._initdb()
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen([*self._as_user, PG_BIN / "postgres", "-D", self.pgdata],
                                         stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                         start_new_session=True)
        self._wait_ready()
        if fresh:
            self._bootstrap()
        return self

    def _wait_ready(self):
        # pg_isready answers 0 once the server accepts connections: after crash recovery, too.
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"postgres exited with {self.proc.returncode} while "
                                   f"starting:\n{self.log_tail()}")
            ready = subprocess.run([PG_BIN / "pg_isready", "-q", "-h", "127.0.0.1", "-p",
                                    str(self.port), "-t", "1"], timeout=10)
            if ready.returncode == 0:
                return
            time.sleep(0.05)
        raise RuntimeError(f"postgres on {self.port} not ready in {START_TIMEOUT:.0f}s:\n"
                           f"{self.log_tail()}")

    def log_tail(self, chars=4000):
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def stop(self):
        """Fast shutdown (open sessions are ended, a clean checkpoint is written)."""
        stop_cluster(self.pgdata, self._as_user)
        if self.proc:
            self.proc.wait(timeout=STOP_TIMEOUT)

    def kill(self):
        """SIGKILL the postmaster: a crash; the next start() runs crash recovery."""
        if not self.proc or self.proc.poll() is not None:
            return
        kids = children_of(self.proc.pid)
        self.proc.kill()
        self.proc.wait()
        # The backends exit on their own when they see the postmaster gone; until they have,
        # the old shared memory is in use and a new postmaster refuses to start.
        deadline = time.monotonic() + STOP_TIMEOUT
        while any(alive(pid) for pid in kids):
            if time.monotonic() > deadline:
                raise RuntimeError(f"postgres backends {kids} outlived their postmaster")
            time.sleep(0.05)

    def restart(self, hard=False):
        """Stops (SIGKILL when hard, else a fast shutdown) and starts on the same cluster."""
        if hard:
            self.kill()
        else:
            self.stop()
        return self.start()

    def remove(self):
        """Stops the server and deletes its cluster (the log stays in workdir)."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def in_recovery(self):
        """Whether the server is a standby (replaying WAL, read-only)."""
        return self.psql("SELECT pg_is_in_recovery()").strip() == "t"

    def require_synchronous_standby(self):
        """Makes every commit wait for a standby's flush (synchronous_standby_names = '*',
        synchronous_commit = on), once a standby streams as a synchronous one."""
        self.psql("ALTER SYSTEM SET synchronous_standby_names = '*'")
        self.psql("SELECT pg_reload_conf()")
        deadline = time.monotonic() + START_TIMEOUT
        while self.psql("SELECT count(*) FROM pg_stat_replication "
                        "WHERE state = 'streaming' AND sync_state = 'sync'").strip() == "0":
            if time.monotonic() > deadline:
                raise RuntimeError(f"no synchronous standby of {self.port} in "
                                   f"{START_TIMEOUT:.0f}s:\n{self.log_tail()}")
            time.sleep(0.05)

    def promote(self):
        """pg_ctl promote a standby; returns once it is out of recovery (accepts writes)."""
        run([*self._as_user, PG_BIN / "pg_ctl", "promote", "-D", self.pgdata, "-w",
             "-t", str(int(START_TIMEOUT))], "pg_ctl promote")
        deadline = time.monotonic() + START_TIMEOUT
        while self.in_recovery():
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.port} still in recovery {START_TIMEOUT:.0f}s after "
                                   f"pg_ctl promote:\n{self.log_tail()}")
            time.sleep(0.05)
        return self


def start_standby(primary, workdir):
    """A hot standby of a running primary, streaming from it over the primary's unix socket
    (pg_basebackup -R: standby.signal and primary_conninfo). It has the primary's roles and
    password. It asks for no synchronous standby of its own, so once promoted it commits
    alone."""
    standby = PostgresServer(workdir, password=primary.password)
    if standby.user:
        shutil.chown(standby.root, standby.user, standby.user)
    standby.root.chmod(0o700)
    run([*standby._as_user, PG_BIN / "pg_basebackup", "-h", primary.root, "-p",
         str(primary.port), "-U", SUPERUSER, "-D", standby.pgdata, "-R", "-X", "stream",
         "--checkpoint=fast", "--no-sync"], "pg_basebackup")
    conf = (f"port = {standby.port}\nunix_socket_directories = '{standby.root}'\n"
            f"synchronous_standby_names = ''\nhot_standby = on\n")
    with open(standby.pgdata / "postgresql.conf", "a") as f:
        f.write("\n# tests/support/postgres_servers.py: start_standby\n" + conf)
    return standby.start()


def postmaster_running(pgdata):
    """Whether the postmaster of postmaster.pid runs on pgdata. Not pg_ctl status: a killed
    postmaster leaves its postmaster.pid behind, and its pid may be a zombie (under an init
    that does not reap) or, later, another process."""
    try:
        pid = int((pathlib.Path(pgdata) / "postmaster.pid").read_text().split()[0])
        cmdline = pathlib.Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (OSError, ValueError, IndexError):
        return False
    return alive(pid) and str(pgdata).encode() in cmdline


def stop_cluster(pgdata, as_user):
    """pg_ctl stop -m fast, if a postmaster still runs on pgdata."""
    if postmaster_running(pgdata):
        run([*as_user, PG_BIN / "pg_ctl", "stop", "-D", pgdata, "-m", "fast", "-w",
             "-t", str(int(STOP_TIMEOUT))], "pg_ctl stop")


def start_all(workdir):
    workdir = pathlib.Path(workdir)
    server = PostgresServer(workdir)
    # stop_all's record of what to stop and delete, written before initdb can fail halfway.
    (workdir / "postgres.root").write_text(f"{server.root}\n")
    server.start()
    (workdir / "postgres.uri").write_text(server.uri + "\n")


def stop_all(workdir):
    record = pathlib.Path(workdir) / "postgres.root"
    if not record.exists():
        return
    root = pathlib.Path(record.read_text().strip())
    stop_cluster(root / "data", server_user()[1])
    shutil.rmtree(root, ignore_errors=True)
    record.unlink()
    (pathlib.Path(workdir) / "postgres.uri").unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(server_fixture.main(sys.argv, __doc__, start_all, stop_all))
