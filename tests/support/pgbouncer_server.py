"""A real pgbouncer in transaction mode in front of a test PostgreSQL, on loopback.

Transaction mode gives a client's transaction to whichever server connection is free and takes
it back at the transaction's end, so nothing a session keeps (named prepared statements,
search_path, LISTEN) survives from one transaction to the next: what the PostgreSQL store's
request path must work with. Like the server, pgbouncer refuses to run as root, so under root
it runs as the `postgres` user.
"""

import pathlib
import shutil
import socket
import subprocess
import tempfile
import time

import postgres_servers

START_TIMEOUT = 15.0


class PgBouncer:
    """pgbouncer for `server`'s database `marconi`, `pool_size` server connections at most."""

    def __init__(self, server, pool_size=2):
        self.server = server
        self.port = postgres_servers.free_port()
        self.pool_size = pool_size
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="marconi-pgbouncer-"))
        self.log = self.dir / "pgbouncer.log"
        self.proc = None

    @property
    def uri(self):
        return (f"postgresql://{postgres_servers.ROLE}:{self.server.password}@127.0.0.1:"
                f"{self.port}/{postgres_servers.DATABASE}")

    def start(self):
        (self.dir / "users.txt").write_text(
            f'"{postgres_servers.ROLE}" "{self.server.password}"\n')
        (self.dir / "pgbouncer.ini").write_text(f"""\
[databases]
{postgres_servers.DATABASE} = host=127.0.0.1 port={self.server.port} dbname={postgres_servers.DATABASE}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.port}
unix_socket_dir =
auth_type = plain
auth_file = {self.dir}/users.txt
pool_mode = transaction
default_pool_size = {self.pool_size}
max_client_conn = 100
logfile = {self.log}
""")
        user, as_user = postgres_servers.server_user()
        if user:
            for path in [self.dir, *self.dir.iterdir()]:
                shutil.chown(path, user, user)
        self.proc = subprocess.Popen([*as_user, "pgbouncer", str(self.dir / "pgbouncer.ini")],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"pgbouncer exited with {self.proc.returncode}:\n"
                                   f"{self.log_tail()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"pgbouncer not listening on {self.port}:\n{self.log_tail()}")

    def log_tail(self, chars=4000):
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=postgres_servers.STOP_TIMEOUT)
        shutil.rmtree(self.dir, ignore_errors=True)
