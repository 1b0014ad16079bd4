"""GET / (versions), GET /v2/ (json-home), /v2/ping and the admin /v2/health."""

import uuid

import requests

from conftest import REQUEST_TIMEOUT
from e2e_helpers import assert_error, assert_json, media_type

V2 = {
    "id": "2",
    "status": "CURRENT",
    "updated": "2014-9-24T04:06:47Z",
    "media-types": [{"base": "application/json",
                     "type": "application/vnd.openstack.messaging-v2+json"}],
    "links": [{"href": "/v2/", "rel": "self"}],
}

# The rels of the routes served today. Zaqar also lists the subscription rels; they join this
# list with the routes themselves.
V2_RELS = [
    "queues", "queue", "queue_stats", "queue_purge", "queue_share", "messages", "post_messages",
    "messages_delete", "message_delete", "message_get", "claim", "post_claim", "patch_claim",
    "delete_claim", "subscriptions_get", "subscriptions_post", "subscription",
    "subscription_patch", "ping",
]


def test_versions_needs_no_headers(server):
    # The shared server serves v1 and v1.1 beside v2 (conftest), and lists exactly those.
    r = requests.get(server.url + "/", timeout=REQUEST_TIMEOUT)
    body = assert_json(r, 300)
    versions = body["versions"]
    assert [v["id"] for v in versions] == ["1", "1.1", "2"]
    assert versions[0]["status"] == "DEPRECATED"
    assert versions[0]["links"] == [{"href": "/v1/", "rel": "self"}]
    assert versions[0]["media-types"] == [
        {"base": "application/json", "type": "application/vnd.openstack.messaging-v1+json"}]
    assert versions[1]["status"] == "DEPRECATED"
    assert versions[1]["links"] == [{"href": "/v1.1/", "rel": "self"}]
    assert versions[1]["media-types"] == [
        {"base": "application/json", "type": "application/vnd.openstack.messaging-v1_1+json"}]
    assert versions[2] == V2


def test_versions_lists_only_v2_by_default(make_server):
    # Zaqar's default: enable_deprecated_api_versions is empty, the old versions are off.
    srv = make_server()
    r = requests.get(srv.url + "/", timeout=REQUEST_TIMEOUT)
    assert [v["id"] for v in assert_json(r, 300)["versions"]] == ["2"]
    headers = {"Client-ID": str(uuid.uuid4()), "X-Project-ID": "p"}
    for path in ("/v1.1/queues", "/v1/queues"):
        r = requests.get(srv.url + path, headers=headers, timeout=REQUEST_TIMEOUT)
        assert_error(r, 404)


def test_json_home(api):
    r = api.get("/v2/")
    assert r.status_code == 200, r.text
    assert media_type(r) == "application/json-home"
    assert "max-age=86400" in r.headers.get("Cache-Control", "")
    resources = r.json()["resources"]
    for rel in V2_RELS:
        assert f"rel/{rel}" in resources, rel
    queues = resources["rel/queues"]
    assert queues["href-template"] == "/v2/queues{?marker,limit,detailed}"
    assert "GET" in queues["hints"]["allow"]
    assert resources["rel/ping"]["href-template"] == "/v2/ping"
    # The e2e server runs with --admin-mode.
    assert "rel/health" in resources


def test_ping_get_and_head(api):
    r = api.get("/v2/ping")
    assert r.status_code == 204, r.text
    assert r.content == b""
    r = api.head("/v2/ping")
    assert r.status_code == 204


def test_ping_requires_client_id(api):
    del api.headers["Client-ID"]
    assert api.get("/v2/ping").status_code == 400


def test_health_get(api):
    # health:get is role:admin (Zaqar's default policy); under noauth roles come from X-Roles,
    # as keystonemiddleware would set them.
    body = assert_json(api.get("/v2/health", headers={"X-Roles": "admin"}), 200)
    assert body["storage_reachable"] is True
    ops = body["operation_status"]
    assert isinstance(ops, dict) and ops
    for name, op in ops.items():
        assert op["succeeded"] is True, (name, op)
        assert isinstance(op["seconds"], (int, float)), (name, op)
    # The self-test must not leave anything behind in the caller's project.
    assert api.get("/v2/queues").json()["queues"] == []


def test_health_head(api):
    r = api.head("/v2/health", headers={"X-Roles": "member,admin"})
    assert r.status_code == 204
    assert r.content == b""


def test_health_needs_the_admin_role(api):
    for roles in (None, "member", "reader,member"):
        headers = {} if roles is None else {"X-Roles": roles}
        body = assert_error(api.get("/v2/health", headers=headers), 403)
        assert body == {"title": "Not authorized",
                        "description": "You are not authorized to complete this action."}
        assert api.head("/v2/health", headers=headers).status_code == 403
