"""What only the PostgreSQL store does: its schema, its URIs, what an operator sees when they
are wrong. Runs in the postgres e2e runs (MARCONI_E2E_STORAGE=postgres); the rest of the suite
checks that the API behaves on it exactly as on the other stores.

  * A schema keeps deployments sharing one database apart.
  * A schema newer than the binary knows is refused at startup, naming the versions.
  * A database that cannot be reached fails startup at once with libpq's reason.
  * Through pgbouncer in transaction mode, with fewer server connections than the store
    opens, concurrent posts, claims, deletes and listings all work: no statement depends on a
    session.
  * Two heads on a PostgreSQL control store share its pools (PostgreSQL schemas) and catalog:
    each queue lives in one pool's schema and is reachable through both heads.
  * No log line ever shows the password of the URI.
"""

import collections
import concurrent.futures
import subprocess
import uuid

import pytest

import postgres_servers  # tests/support, on the path conftest sets
from pgbouncer_server import PgBouncer
from conftest import STORAGE, Api, ServerProcess, _postgres, marconi_bin, postgres_base_uri
from e2e_helpers import assert_json, post, unique

pytestmark = pytest.mark.skipif(STORAGE != "postgres",
                                reason="PostgreSQL store only: runs in the postgres e2e runs")

STARTUP_FAILURE_SECONDS = 20  # connect_timeout is 10 s; refusals are immediate


def failed_startup(storage_uri, workdir):
    """Runs `marconi serve` expecting it to refuse to start; returns its stderr."""
    done = subprocess.run([str(marconi_bin()), "serve", "--bind", "127.0.0.1", "--port", "0",
                           "--storage-uri", storage_uri], cwd=workdir, capture_output=True,
                          text=True, timeout=STARTUP_FAILURE_SECONDS)
    assert done.returncode != 0, done.stdout
    assert "marconi listening" not in done.stdout
    return done.stderr


def test_schemas_keep_deployments_apart(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = ServerProcess(tmp_path / "a", tmp_path / "a.db").start()
    b = ServerProcess(tmp_path / "b", tmp_path / "b.db").start()
    try:
        name = unique()
        api_a, api_b = Api(a, project_id="shared"), Api(b, project_id="shared")
        assert api_a.put(f"/v2/queues/{name}", json={"side": "a"}).status_code == 201
        post(api_a, name, "only in a")
        assert assert_json(api_b.get(f"/v2/queues/{name}/stats"), 200)["messages"]["total"] == 0
        assert name not in [q["name"] for q in assert_json(api_b.get("/v2/queues"), 200)["queues"]]
        assert assert_json(api_a.get(f"/v2/queues/{name}/stats"), 200)["messages"]["total"] == 1
    finally:
        a.stop()
        b.stop()


def test_a_newer_schema_is_refused_at_startup(tmp_path):
    (tmp_path / "s").mkdir()
    server = ServerProcess(tmp_path / "s", tmp_path / "s.db").start()
    server.stop()
    schema = server.store_key.replace("-", "_")
    _postgres["server"].psql(f"UPDATE {schema}.schema_version SET version = 99",
                             database="marconi")
    stderr = failed_startup(server.storage_uri, tmp_path)
    assert f'schema "{schema}" has version 99, newer than this Marconi knows' in stderr, stderr
    assert _postgres["server"].password not in stderr


def test_an_unreachable_database_fails_startup_with_the_reason(tmp_path):
    postgres_base_uri()  # starts the run's server if no test has yet
    server = _postgres["server"]
    # The run's credentials, on a port where nothing listens.
    uri = server.uri.replace(f":{server.port}/", f":{postgres_servers.free_port()}/")
    stderr = failed_startup(uri, tmp_path)
    assert "cannot connect to PostgreSQL" in stderr and "Connection refused" in stderr, stderr
    assert server.password not in stderr
    assert "marconi:***@" in stderr


class ServerThroughPgBouncer(ServerProcess):
    def __init__(self, workdir, bouncer):
        super().__init__(workdir, workdir / "unused.db")
        self.bouncer = bouncer

    @property
    def storage_uri(self):
        return f"{self.bouncer.uri}?schema=e2e_pgbouncer"


def test_the_request_path_works_through_pgbouncer_in_transaction_mode(tmp_path):
    postgres_base_uri()
    bouncer = PgBouncer(_postgres["server"], pool_size=2).start()
    server = ServerThroughPgBouncer(tmp_path, bouncer).start()
    try:
        project = unique("pgb")

        def worker(n):
            api = Api(server, project_id=project)
            queue = f"q{n % 3}"
            statuses = collections.Counter()
            for i in range(25):
                post(api, queue, {"worker": n, "i": i})
                r = api.post(f"/v2/queues/{queue}/claims", json={"ttl": 60, "grace": 60,
                                                                 "limit": 2})
                statuses[f"claim {r.status_code}"] += 1
                for m in (r.json()["messages"] if r.status_code == 201 else []):
                    statuses[f"delete {api.delete(m['href']).status_code}"] += 1
                r = api.get(f"/v2/queues/{queue}/messages", params={"echo": "true"})
                statuses[f"list {r.status_code}"] += 1
            return statuses

        with concurrent.futures.ThreadPoolExecutor(12) as pool:
            statuses = sum(pool.map(worker, range(12)), collections.Counter())
        assert set(statuses) <= {"claim 201", "claim 204", "delete 204", "list 200"}, statuses
        assert statuses["claim 201"] > 0 and statuses["list 200"] == 12 * 25
        # Every message posted and not deleted is still there, once.
        api = Api(server, project_id=project)
        total = sum(assert_json(api.get(f"/v2/queues/q{n}/stats"), 200)["messages"]["total"]
                    for n in range(3))
        assert total == 12 * 25 - statuses["delete 204"]
        assert bouncer.server.password not in server.stderr_text()
    finally:
        server.stop()
        bouncer.stop()


def test_two_heads_share_postgres_pools_and_catalog(make_server):
    base = postgres_base_uri()
    run = uuid.uuid4().hex[:8]
    settings = dict(server_admin_mode="true", pooling_enabled="true",
                    pooling_control_uri=f"{base}?schema=ctl_{run}",
                    storage_metadata_cache_seconds="0")
    head_a, head_b = make_server(**settings), make_server(**settings)
    admin = {"X-Roles": "admin"}
    with Api(head_a) as a, Api(head_b, project_id=a.project_id) as b:
        a.headers.update(admin)
        b.headers.update(admin)
        for i in range(2):
            r = a.put(f"/v2/pools/pg{i}", json={"uri": f"{base}?schema=pool{i}_{run}",
                                                "weight": 1})
            assert r.status_code == 201, r.text
        assert [p["name"] for p in b.get("/v2/pools").json()["pools"]] == ["pg0", "pg1"]
        for i in range(6):
            assert a.post(f"/v2/queues/shared{i}/messages",
                          json={"messages": [{"body": i}]}).status_code == 201
            claim = b.post(f"/v2/queues/shared{i}/claims", json={"ttl": 60, "grace": 60})
            assert claim.status_code == 201, claim.text
            assert [m["body"] for m in claim.json()["messages"]] == [i]
    # Each queue is in exactly one pool's schema, as the catalog says.
    db = _postgres["server"]
    held = {i: set(db.psql(f"SELECT name FROM pool{i}_{run}.queues", database="marconi").split())
            for i in range(2)}
    assert held[0] | held[1] == {f"shared{i}" for i in range(6)}
    assert not held[0] & held[1]
    catalog = dict(line.split("|") for line in db.psql(
        f"SELECT queue, pool FROM ctl_{run}.catalog", database="marconi").split())
    assert catalog == {q: f"pg{i}" for i in range(2) for q in held[i]}
