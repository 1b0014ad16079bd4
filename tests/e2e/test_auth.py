"""Access control: static API keys (X-Auth-Token), Zaqar's policy rules, policy files, and the
noauth strategy's trust in X-Project-ID / X-Roles."""

import hashlib
import json
import subprocess
import uuid

import pytest
import requests

from conftest import REQUEST_TIMEOUT, STOP_TIMEOUT, Api, marconi_bin, new_api_key
from e2e_helpers import assert_error, assert_json, unique

UNAUTHORIZED = {"title": "Unauthorized",
                "description": "The request you have made requires authentication."}
NOT_AUTHORIZED = {"title": "Not authorized",
                  "description": "You are not authorized to complete this action."}

OPS = new_api_key("ops", "acme", ["admin"])
WORKER = new_api_key("worker", "acme", ["member"])
OTHER = new_api_key("other", "globex", [])
JANITOR = new_api_key("janitor", "acme", ["member", "janitor"])


def client(server, key, project=None):
    """A session sending `key`; its X-Project-ID is the key's project unless given."""
    return Api(server, project_id=project or key.project, token=key.key)


def assert_401(r):
    assert assert_error(r, 401) == UNAUTHORIZED
    assert r.headers["WWW-Authenticate"] == 'Token realm="marconi"'


def test_hash_key_prints_the_sha256_line():
    key = "k" * 40
    done = subprocess.run([str(marconi_bin()), "hash-key"], input=(key + "\n").encode(),
                          capture_output=True, timeout=STOP_TIMEOUT)
    assert done.returncode == 0, done.stderr
    digest = hashlib.sha256(key.encode()).hexdigest()
    assert done.stdout.decode() == f'sha256 = "{digest}"\n'
    short = subprocess.run([str(marconi_bin()), "hash-key"], input=b"secret\n",
                           capture_output=True, timeout=STOP_TIMEOUT)
    assert short.returncode == 2
    assert b"too short" in short.stderr


def test_valid_key_acts_in_its_own_project(auth_server):
    srv = auth_server([OPS, WORKER, OTHER])
    worker = client(srv, WORKER)
    name = unique()
    r = worker.put(f"/v2/queues/{name}")
    assert r.status_code == 201, r.text
    r = worker.post(f"/v2/queues/{name}/messages", json={"messages": [{"body": "job"}]})
    assert r.status_code == 201, r.text
    # Another key of the same project sees the queue; a key of another project does not.
    listed = assert_json(client(srv, OPS).get("/v2/queues"), 200)
    assert [q["name"] for q in listed["queues"]] == [name]
    assert assert_json(client(srv, OTHER).get("/v2/queues"), 200)["queues"] == []


def test_missing_x_project_id_is_filled_from_the_key(auth_server):
    srv = auth_server([WORKER])
    worker = client(srv, WORKER)
    del worker.headers["X-Project-ID"]
    name = unique()
    assert worker.put(f"/v2/queues/{name}").status_code == 201
    # The queue landed in the key's project.
    peer = client(srv, WORKER)
    assert [q["name"] for q in assert_json(peer.get("/v2/queues"), 200)["queues"]] == [name]


def test_missing_key_is_401(auth_server):
    srv = auth_server([WORKER])
    anonymous = Api(srv, project_id="acme")
    assert_401(anonymous.get("/v2/queues"))
    assert_401(anonymous.put(f"/v2/queues/{unique()}"))
    # Authentication comes before routing and header checks, as with Zaqar's middleware.
    assert_401(anonymous.get("/v2/no/such/path"))
    del anonymous.headers["Client-ID"]
    assert_401(anonymous.get("/v2/ping"))
    # GET / (versions) needs no token.
    r = requests.get(srv.url + "/", timeout=REQUEST_TIMEOUT)
    assert r.status_code == 300


def test_bogus_key_is_401(auth_server):
    srv = auth_server([WORKER])
    for token in ["", "not-a-key", WORKER.key + "x", WORKER.key[:-1],
                  hashlib.sha256(WORKER.key.encode()).hexdigest()]:
        bogus = Api(srv, project_id="acme", token=token)
        assert_401(bogus.get("/v2/queues"))
    # And the real one works on the same server.
    assert client(srv, WORKER).get("/v2/queues").status_code == 200


def test_project_spoofing_is_refused(auth_server):
    srv = auth_server([WORKER, OTHER])
    spoof = client(srv, WORKER, project="globex")
    body = assert_error(spoof.get("/v2/queues"), 403)
    assert body["title"] == "Not authorized"
    assert "X-Project-ID" in body["description"]
    assert spoof.put(f"/v2/queues/{unique()}").status_code == 403
    # Nothing was created in the other project.
    assert assert_json(client(srv, OTHER).get("/v2/queues"), 200)["queues"] == []


def test_client_role_headers_are_ignored_with_keys(auth_server):
    srv = auth_server([OPS, WORKER], server_admin_mode="true")
    worker = client(srv, WORKER)
    worker.headers.update({"X-Roles": "admin", "X-User-ID": "ops"})
    assert assert_error(worker.get("/v2/health"), 403) == NOT_AUTHORIZED


def test_member_on_admin_route_is_403_admin_is_200(auth_server):
    srv = auth_server([OPS, WORKER], server_admin_mode="true")
    assert assert_error(client(srv, WORKER).get("/v2/health"), 403) == NOT_AUTHORIZED
    assert client(srv, WORKER).head("/v2/health").status_code == 403
    body = assert_json(client(srv, OPS).get("/v2/health"), 200)
    assert body["storage_reachable"] is True


def test_policy_file_overrides_a_rule(auth_server):
    policy = {"messages:delete": "rule:cleaners", "cleaners": "role:janitor or role:admin",
              "queues:delete": "!"}
    srv = auth_server([WORKER, JANITOR], policy=policy)
    worker, janitor = client(srv, WORKER), client(srv, JANITOR)
    name = unique()
    assert worker.put(f"/v2/queues/{name}").status_code == 201
    r = worker.post(f"/v2/queues/{name}/messages", json={"messages": [{"body": 1}]})
    href = r.json()["resources"][0]
    assert assert_error(worker.delete(href), 403) == NOT_AUTHORIZED
    assert worker.get(href).status_code == 200  # still there; messages:get is untouched
    assert janitor.delete(href).status_code == 204
    assert worker.get(href).status_code == 404
    # "!" denies everyone, admins included.
    assert assert_error(janitor.delete(f"/v2/queues/{name}"), 403) == NOT_AUTHORIZED


def test_policy_file_applies_under_noauth_with_x_roles(make_server, tmp_path):
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"queues:create": "not role:observer"}))
    srv = make_server(auth_policy_file=policy)
    api = Api(srv)
    assert api.put(f"/v2/queues/{unique()}").status_code == 201
    api.headers["X-Roles"] = "member,observer"
    assert assert_error(api.put(f"/v2/queues/{unique()}"), 403) == NOT_AUTHORIZED


def test_noauth_logs_that_every_request_is_trusted(make_server):
    srv = make_server()
    assert "EVERY REQUEST IS TRUSTED" in srv.stderr_text()


def run_to_exit(tmp_path, **env):
    """Starts `marconi serve` expecting it to refuse to start; returns (status, stderr)."""
    import os
    environment = dict(os.environ)
    environment.update({f"MARCONI_{k.upper()}": str(v) for k, v in env.items()})
    done = subprocess.run([str(marconi_bin()), "serve", "--port", "0", "--storage-uri",
                           "sqlite://:memory:"], cwd=tmp_path, env=environment,
                          capture_output=True, timeout=STOP_TIMEOUT)
    return done.returncode, done.stderr.decode()


def test_bad_policy_file_stops_startup(tmp_path):
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"messages:delete": "role:admin or", "queues:get": "rule:x"}))
    status, stderr = run_to_exit(tmp_path, auth_policy_file=policy)
    assert status == 2
    assert f'{policy}: rule "messages:delete": column 14: the rule ends too early' in stderr
    assert f'{policy}: rule "queues:get": rule:x names no rule' in stderr
    assert "listening" not in stderr


def test_bad_keys_file_stops_startup(tmp_path):
    keys = tmp_path / "keys.toml"
    keys.write_text('[[keys]]\nname = "a"\nsha256 = "plain-text-key"\nproject = "p"\n')
    status, stderr = run_to_exit(tmp_path, auth_strategy="apikeys", auth_keys_file=keys)
    assert status == 2
    assert f"{keys}:3:10: sha256 must be 64 hex digits" in stderr
    # apikeys without a keys file is a configuration error.
    status, stderr = run_to_exit(tmp_path, auth_strategy="apikeys")
    assert status == 2
    assert "auth.keys_file is required" in stderr


def zaqar_client(server, key):
    """python-zaqarclient as a Keystone user would configure it, with the API key as the
    pre-fetched token: it then sends X-Auth-Token without contacting Keystone."""
    from zaqarclient.queues import client as zclient
    conf = {"auth_opts": {"backend": "keystone",
                          "options": {"os_auth_token": key.key, "os_project_id": key.project}}}
    return zclient.Client(server.url, version=2, conf=conf)


def test_zaqarclient_with_a_key(auth_server):
    from zaqarclient.transport import errors as zerrors
    srv = auth_server([OPS, WORKER], server_admin_mode="true")
    zaqar = zaqar_client(srv, WORKER)
    q = zaqar.queue(unique(), force_create=True)
    q.post([{"body": {"n": i}} for i in range(3)])
    claim = q.claim(ttl=60, grace=60, limit=2)
    claimed = list(claim)
    assert [m.body for m in claimed] == [{"n": 0}, {"n": 1}]
    for m in claimed:
        m.delete()
    assert q.stats["messages"]["total"] == 1
    with pytest.raises(zerrors.ForbiddenError):
        zaqar.health()  # member
    assert zaqar_client(srv, OPS).health()["storage_reachable"] is True

    stranger = zaqar_client(srv, new_api_key("nobody", "acme"))
    with pytest.raises(zerrors.UnauthorizedError):
        list(stranger.queues()[0])
    # A noauth client sends no token at all.
    from zaqarclient.queues import client as zclient
    noauth = zclient.Client(srv.url, version=2, conf={
        "auth_opts": {"backend": "noauth", "options": {"os_project_id": "acme"}}})
    with pytest.raises(zerrors.UnauthorizedError):
        noauth.queue(unique(), force_create=True)
