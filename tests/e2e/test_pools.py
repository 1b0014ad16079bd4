"""Pooling: the admin API for pools and flavors, queue placement, and routing through the
catalog, against real servers (admin mode and pooling on) with SQLite and Redis pools."""

import os
import sqlite3
import uuid

import pytest

from conftest import STORAGE, Api, ServerProcess, redis_base_uri

ADMIN = {"X-Roles": "admin"}


@pytest.fixture
def pooled_server(make_server, tmp_path):
    """A server with pooling on and a SQLite control store in the test's directory."""

    def start(**settings):
        settings.setdefault("server_admin_mode", "true")
        settings.setdefault("pooling_enabled", "true")
        settings.setdefault("pooling_control_uri", f"sqlite:///{tmp_path / 'control.db'}")
        if STORAGE != "sqlite":
            # SQLite pools may only live beside the default store's file; a Redis default
            # store has none, so the test names its own directory.
            settings.setdefault("pooling_allowed_paths", tmp_path)
        return make_server(**settings)

    return start


@pytest.fixture
def admin(pooled_server):
    srv = pooled_server()
    with Api(srv) as session:
        session.headers.update(ADMIN)
        yield session


def sqlite_pool(tmp_path, name):
    return f"sqlite:///{tmp_path / (name + '.db')}"


def queues_in(tmp_path, name):
    """The queue names a SQLite pool's own file holds."""
    with sqlite3.connect(tmp_path / (name + ".db")) as db:
        return {row[0] for row in db.execute("SELECT name FROM queues")}


def add_pool(admin, tmp_path, name, weight=100, **fields):
    r = admin.put(f"/v2/pools/{name}",
                  json={"uri": sqlite_pool(tmp_path, name), "weight": weight, **fields})
    assert r.status_code == 201, r.text
    return r


# --- the pools API ------------------------------------------------------------------------------

def test_pool_routes_exist_only_with_pooling_and_admin_mode(make_server, pooled_server):
    plain = make_server(server_admin_mode="true")
    with Api(plain) as s:
        assert s.get("/v2/pools", headers=ADMIN).status_code == 404
    no_admin_mode = pooled_server(server_admin_mode="false")
    with Api(no_admin_mode) as s:
        assert s.get("/v2/pools", headers=ADMIN).status_code == 404


def test_pools_need_the_admin_role(pooled_server):
    with Api(pooled_server()) as member:
        r = member.get("/v2/pools")
        assert r.status_code == 403, r.text
        assert r.json()["title"]


URI_IN_USE = {"title": "Resource conflict",
              "description": "The database URI is in use by another pool."}


def test_create_get_and_overwrite(admin, tmp_path):
    r = add_pool(admin, tmp_path, "alpha", 42, options={"note": "first"})
    assert r.headers["Location"] == "/v2/pools/alpha"
    got = admin.get("/v2/pools/alpha").json()
    assert got == {"name": "alpha", "uri": sqlite_pool(tmp_path, "alpha"), "weight": 42,
                   "flavor": None, "href": "/v2/pools/alpha"}
    detailed = admin.get("/v2/pools/alpha", params={"detailed": "true"}).json()
    assert detailed["options"] == {"note": "first"}
    # A PUT of an existing pool replaces it (Zaqar's upsert): options it leaves out are gone.
    again = admin.put("/v2/pools/alpha", json={"uri": sqlite_pool(tmp_path, "alpha"), "weight": 1})
    assert again.status_code == 201, again.text
    assert again.headers["Location"] == "/v2/pools/alpha"
    detailed = admin.get("/v2/pools/alpha", params={"detailed": "true"}).json()
    assert (detailed["weight"], detailed["options"]) == (1, {})
    assert [p["name"] for p in admin.get("/v2/pools").json()["pools"]] == ["alpha"]


@pytest.mark.parametrize("body, fragment", [
    ({"weight": 1}, "'uri' is a required property"),
    ({"uri": "sqlite:///x.db"}, "'weight' is a required property"),
    ({"uri": "sqlite:///x.db", "weight": -1}, "less than the minimum of 0"),
    ({"uri": "sqlite:///x.db", "weight": 2**32}, "greater than the maximum"),
    ({"uri": "sqlite:///x.db", "weight": "9"}, "is not of type 'integer'"),
    ({"uri": "sqlite:///x.db", "weight": 1, "color": "red"}, "'color' was unexpected"),
    ({"uri": "sqlite:///x.db", "weight": 1, "options": []}, "is not of type 'object'"),
])
def test_bad_pool_bodies_are_refused(admin, body, fragment):
    r = admin.put("/v2/pools/bad", json=body)
    assert r.status_code == 400, r.text
    assert fragment in r.json()["description"]
    assert admin.get("/v2/pools/bad").status_code == 404


def test_a_pool_that_cannot_be_reached_is_refused(admin):
    r = admin.put("/v2/pools/dead", json={"uri": "redis://127.0.0.1:1", "weight": 1})
    assert r.status_code == 400, r.text
    assert "cannot connect to redis://127.0.0.1:1" in r.json()["description"]
    assert admin.get("/v2/pools/dead").status_code == 404


def refused_pool_uri(uri, why):
    return {"title": "Invalid request body",
            "description": f"The pool URI {uri} cannot be used: {why}"}


def pool_uri_cases(tmp_path, admin):
    """(uri, why it is refused, the file that must not appear) for each kind of bad URI."""
    allowed = os.path.realpath(tmp_path)
    outside = f"it is outside the directories allowed for pools ({allowed})."
    elsewhere = tmp_path.parent / f"elsewhere-{uuid.uuid4().hex[:8]}"
    elsewhere.mkdir()
    (tmp_path / "escape").symlink_to(elsewhere, target_is_directory=True)
    (tmp_path / "dir.db").mkdir()
    store = "its file belongs to the default or the control store."
    cases = [
        (f"sqlite:///{elsewhere / 'x.db'}", outside, elsewhere / "x.db"),
        (f"sqlite:///{tmp_path}/../{elsewhere.name}/y.db", outside, elsewhere / "y.db"),
        (f"sqlite:///{tmp_path / 'escape' / 'z.db'}", outside, elsewhere / "z.db"),
        ("sqlite://:memory:",
         "an in-memory store is private to one process and lost at restart.", None),
        (f"sqlite:///{tmp_path / 'dir.db'}", f"{allowed}/dir.db is not a regular file.", None),
        (f"sqlite:///{tmp_path / 'control.db'}", store, None),
        (f"sqlite:///{tmp_path / 'control.db-wal'}", store, None),
    ]
    if STORAGE == "sqlite":
        cases.append((f"sqlite:///{admin.server.db_path}", store, None))
    return cases


def test_sqlite_pools_stay_in_allowed_directories_off_other_stores_files(admin, tmp_path):
    for uri, why, absent in pool_uri_cases(tmp_path, admin):
        r = admin.put("/v2/pools/bad", json={"uri": uri, "weight": 1})
        assert r.status_code == 400, (uri, r.text)
        assert r.json() == refused_pool_uri(uri, why)
        assert admin.get("/v2/pools/bad").status_code == 404
        if absent is not None:
            assert not absent.exists(), f"{uri} created {absent}"
    add_pool(admin, tmp_path, "alpha")
    # The same URI is Zaqar's conflict; another spelling of the same file is still refused.
    r = admin.put("/v2/pools/beta", json={"uri": sqlite_pool(tmp_path, "alpha"), "weight": 1})
    assert r.status_code == 409 and r.json() == URI_IN_USE, r.text
    uri = f"sqlite:///{tmp_path}/./alpha.db"
    r = admin.put("/v2/pools/beta", json={"uri": uri, "weight": 1})
    assert r.status_code == 400, r.text
    assert r.json() == refused_pool_uri(uri, "its file belongs to another pool.")
    assert [p["name"] for p in admin.get("/v2/pools").json()["pools"]] == ["alpha"]


def test_patching_a_pool_uri_is_checked_too(admin, tmp_path):
    add_pool(admin, tmp_path, "alpha")
    add_pool(admin, tmp_path, "beta")
    control = f"sqlite:///{tmp_path / 'control.db'}"
    r = admin.patch("/v2/pools/alpha", json={"uri": control})
    assert r.status_code == 400
    assert r.json() == refused_pool_uri(
        control, "its file belongs to the default or the control store.")
    r = admin.patch("/v2/pools/alpha", json={"uri": sqlite_pool(tmp_path, "beta")})
    assert r.status_code == 409 and r.json() == URI_IN_USE, r.text
    assert admin.get("/v2/pools/alpha").json()["uri"] == sqlite_pool(tmp_path, "alpha")
    moved = sqlite_pool(tmp_path, "alpha2")
    r = admin.patch("/v2/pools/alpha", json={"uri": moved})
    assert r.status_code == 200 and r.json()["uri"] == moved, r.text


def test_allowed_paths_names_where_sqlite_pools_may_live(pooled_server, tmp_path):
    pools_dir = tmp_path / "pools"
    pools_dir.mkdir()
    srv = pooled_server(pooling_allowed_paths=pools_dir)
    with Api(srv) as admin:
        admin.headers.update(ADMIN)
        inside = f"sqlite:///{pools_dir / 'p.db'}"
        assert admin.put("/v2/pools/p", json={"uri": inside, "weight": 1}).status_code == 201
        beside = sqlite_pool(tmp_path, "q")
        r = admin.put("/v2/pools/q", json={"uri": beside, "weight": 1})
        assert r.status_code == 400
        assert r.json() == refused_pool_uri(
            beside, f"it is outside the directories allowed for pools "
                    f"({os.path.realpath(pools_dir)}).")


def test_list_pools_pages_in_name_order(admin, tmp_path):
    for name in ("c", "a", "b"):
        add_pool(admin, tmp_path, name)
    first = admin.get("/v2/pools", params={"limit": 2}).json()
    assert [p["name"] for p in first["pools"]] == ["a", "b"]
    nxt = first["links"][0]["href"]
    assert first["links"][0]["rel"] == "next"
    second = admin.get(nxt).json()
    assert [p["name"] for p in second["pools"]] == ["c"]
    assert admin.get(second["links"][0]["href"]).json() == {"pools": [], "links": []}
    assert admin.get("/v2/pools", params={"limit": 21}).status_code == 400


def test_patch_pool(admin, tmp_path):
    add_pool(admin, tmp_path, "alpha", 1)
    r = admin.patch("/v2/pools/alpha", json={"weight": 7, "options": {"k": 1}})
    assert r.status_code == 200, r.text
    assert r.json()["weight"] == 7
    assert admin.get("/v2/pools/alpha", params={"detailed": "true"}).json()["options"] == {"k": 1}
    assert admin.patch("/v2/pools/alpha", json={}).status_code == 400
    assert admin.patch("/v2/pools/ghost", json={"weight": 1}).status_code == 404
    r = admin.patch("/v2/pools/alpha", json={"uri": "redis://127.0.0.1:1"})
    assert r.status_code == 400 and "cannot connect" in r.json()["description"]


def test_delete_pool_is_idempotent(admin, tmp_path):
    add_pool(admin, tmp_path, "alpha")
    assert admin.delete("/v2/pools/alpha").status_code == 204
    assert admin.delete("/v2/pools/alpha").status_code == 204
    assert admin.get("/v2/pools/alpha").status_code == 404


# --- flavors -------------------------------------------------------------------------------------

def test_flavor_lifecycle_keeps_pools_in_step(admin, tmp_path):
    add_pool(admin, tmp_path, "p1")
    add_pool(admin, tmp_path, "p2")
    r = admin.put("/v2/flavors/gold", json={"pool_list": ["p1"]})
    assert r.status_code == 201, r.text
    assert r.headers["Location"] == "/v2/flavors/gold"
    gold = admin.get("/v2/flavors/gold").json()
    assert gold["pool_list"] == ["p1"]
    assert "FIFO" in gold["capabilities"] and "CLAIMS" in gold["capabilities"]
    assert admin.get("/v2/pools/p1").json()["flavor"] == "gold"

    r = admin.delete("/v2/pools/p1")
    assert r.status_code == 403, r.text
    assert "used by flavors gold" in r.json()["description"]

    # Zaqar's PATCH reads pool_list only: capabilities of any type and other keys pass.
    r = admin.patch("/v2/flavors/gold", json={"pool_list": ["p2"], "capabilities": [],
                                              "note": "x"})
    assert r.status_code == 200, r.text
    assert r.json()["pool_list"] == ["p2"]
    assert admin.get("/v2/pools/p1").json()["flavor"] is None
    assert admin.get("/v2/pools/p2").json()["flavor"] == "gold"

    listing = admin.get("/v2/flavors", params={"detailed": "true"}).json()
    assert [f["name"] for f in listing["flavors"]] == ["gold"]
    assert listing["flavors"][0]["pool_list"] == ["p2"]
    assert "capabilities" in listing["flavors"][0]

    assert admin.delete("/v2/flavors/gold").status_code == 204
    assert admin.get("/v2/flavors/gold").status_code == 404
    assert admin.get("/v2/pools/p2").json()["flavor"] is None


@pytest.mark.parametrize("body, status", [
    ({"pool_list": []}, 400),
    ({"pool_list": ["nope"]}, 400),
    ({"pool_list": "p1"}, 400),
    ({"pools": ["p1"]}, 400),
    ({}, 400),
])
def test_bad_flavor_bodies_are_refused(admin, tmp_path, body, status):
    add_pool(admin, tmp_path, "p1")
    r = admin.put("/v2/flavors/bad", json=body)
    assert r.status_code == status, r.text
    assert admin.get("/v2/flavors/bad").status_code == 404


@pytest.mark.parametrize("body, description", [
    ({"capabilities": {}}, "`pool_list` needs to be specified"),
    ({"pool_list": "p1"}, "\"p1\" is not of type 'array'"),
    ({"pool_list": [1]}, "1 is not of type 'string'"),
])
def test_bad_flavor_patches_are_refused(admin, tmp_path, body, description):
    add_pool(admin, tmp_path, "p1")
    assert admin.put("/v2/flavors/gold", json={"pool_list": ["p1"]}).status_code == 201
    r = admin.patch("/v2/flavors/gold", json=body)
    assert r.status_code == 400, r.text
    assert r.json() == {"title": "Invalid request body", "description": description}
    assert admin.get("/v2/flavors/gold").json()["pool_list"] == ["p1"]


def test_flavors_belong_to_their_project(admin, tmp_path):
    add_pool(admin, tmp_path, "p1")
    assert admin.put("/v2/flavors/gold", json={"pool_list": ["p1"]}).status_code == 201
    other = admin.peer()
    other.headers.update({"X-Project-ID": "other-" + uuid.uuid4().hex[:8], **ADMIN})
    assert other.get("/v2/flavors/gold").status_code == 404
    assert other.get("/v2/flavors").json()["flavors"] == []


# --- placement and routing -----------------------------------------------------------------------

def test_queues_spread_over_pools_and_their_messages_live_there(admin, tmp_path):
    add_pool(admin, tmp_path, "a")
    add_pool(admin, tmp_path, "b")
    names = [f"q{i:02d}" for i in range(24)]
    for name in names:
        r = admin.post(f"/v2/queues/{name}/messages", json={"messages": [{"body": name}]})
        assert r.status_code == 201, r.text
    in_a, in_b = queues_in(tmp_path, "a"), queues_in(tmp_path, "b")
    assert in_a and in_b, "both pools should get queues"
    assert in_a | in_b == set(names) and not in_a & in_b
    # Listing merges both pools in name order, across pages.
    seen, href = [], "/v2/queues?limit=10"
    while True:
        page = admin.get(href).json()
        if not page["queues"]:
            break
        seen += [q["name"] for q in page["queues"]]
        href = page["links"][0]["href"]
    assert seen == names
    # Every queue answers from wherever it lives.
    for name in names[:6]:
        msgs = admin.get(f"/v2/queues/{name}/messages", params={"echo": "true"}).json()
        assert [m["body"] for m in msgs["messages"]] == [name]


def test_a_flavored_queue_goes_to_its_flavor_pools(admin, tmp_path):
    add_pool(admin, tmp_path, "plain")
    add_pool(admin, tmp_path, "goldpool")
    assert admin.put("/v2/flavors/gold", json={"pool_list": ["goldpool"]}).status_code == 201
    for i in range(5):
        r = admin.put(f"/v2/queues/vip{i}", json={"_flavor": "gold"})
        assert r.status_code == 201, r.text
        assert admin.put(f"/v2/queues/std{i}").status_code == 201
    assert queues_in(tmp_path, "goldpool") == {f"vip{i}" for i in range(5)}
    assert queues_in(tmp_path, "plain") == {f"std{i}" for i in range(5)}
    r = admin.put("/v2/queues/nowhere", json={"_flavor": "silver"})
    assert r.status_code == 400, r.text


def test_a_pool_with_queues_cannot_be_deleted(admin, tmp_path):
    add_pool(admin, tmp_path, "only")
    assert admin.put("/v2/queues/held").status_code == 201
    r = admin.delete("/v2/pools/only")
    assert r.status_code == 403, r.text
    assert "holds 1 queues" in r.json()["description"]
    assert admin.delete("/v2/queues/held").status_code == 204
    assert admin.delete("/v2/pools/only").status_code == 204


def test_two_heads_share_redis_pools_and_catalog(make_server, tmp_path):
    """Heads on one Redis control store with Redis pools: a pool made through one head is used
    by the other, and a queue's messages are reachable through both."""
    base = redis_base_uri()
    run = uuid.uuid4().hex[:8]
    settings = dict(server_admin_mode="true", pooling_enabled="true",
                    pooling_control_uri=f"{base}?prefix=ctl-{run}",
                    storage_metadata_cache_seconds="0")
    head_a, head_b = make_server(**settings), make_server(**settings)
    with Api(head_a) as a, Api(head_b, project_id=a.project_id) as b:
        a.headers.update(ADMIN)
        b.headers.update(ADMIN)
        for i in range(2):
            r = a.put(f"/v2/pools/r{i}", json={"uri": f"{base}?prefix=pool{i}-{run}", "weight": 1})
            assert r.status_code == 201, r.text
        assert [p["name"] for p in b.get("/v2/pools").json()["pools"]] == ["r0", "r1"]
        for i in range(6):
            r = a.post(f"/v2/queues/shared{i}/messages", json={"messages": [{"body": i}]})
            assert r.status_code == 201, r.text
            claim = b.post(f"/v2/queues/shared{i}/claims", json={"ttl": 60, "grace": 60})
            assert claim.status_code == 201, claim.text
            assert [m["body"] for m in claim.json()["messages"]] == [i]
        listed = [q["name"] for q in b.get("/v2/queues", params={"limit": 20}).json()["queues"]]
        assert listed == [f"shared{i}" for i in range(6)]
