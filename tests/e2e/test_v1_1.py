"""API v1.1 (Zaqar's wsgi/v1_1), served by the shared server beside v2 (conftest enables it).

Each expectation is Zaqar 15's v1.1 as its source reads: queue metadata is shown as stored
(no reserved defaults), messages have no delays, hrefs live under /v1.1, and v1.1 has no
topics, subscriptions, purge, share or queue PATCH. The queues are v2's: what one version
writes, the other reads.
"""

import uuid

import pytest

from e2e_helpers import (assert_error, assert_json, assert_location, assert_no_content,
                         id_from_href, split_href, unique)


def v1_1(path):
    return "/v1.1" + path


def post(api, queue, *bodies, **fields):
    r = api.post(v1_1(f"/queues/{queue}/messages"),
                 json={"messages": [{"body": b, "ttl": 300, **fields} for b in bodies]})
    body = assert_json(r, 201)
    return [id_from_href(h) for h in body["resources"]]


@pytest.fixture
def queue(api):
    name = unique("v11")
    assert api.put(v1_1(f"/queues/{name}")).status_code == 201
    yield name
    api.delete(v1_1(f"/queues/{name}"))


def test_home_document_lists_v1_1_relations(api):
    r = api.get("/v1.1/")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json-home")
    resources = r.json()["resources"]
    assert resources["rel/queues"]["href-template"] == "/v1.1/queues{?marker,limit,detailed}"
    assert resources["rel/queue"]["hints"]["allow"] == ["PUT", "DELETE"]
    assert resources["rel/ping"]["hints"]["allow"] == ["GET"]
    for rel in resources.values():
        assert (rel.get("href-template") or rel["href"]).startswith("/v1.1/"), rel
    # v2's relations v1.1 does not have.
    for rel in ("queue_purge", "queue_share", "message_get", "subscriptions_get"):
        assert f"rel/{rel}" not in resources, rel
    # Admin mode (the shared server): pools, flavors and health, the last as a plain href.
    assert resources["rel/pool"]["href-template"] == "/v1.1/pools/{pool_name}"
    assert resources["rel/flavors"]["href-template"] == "/v1.1/flavors{?detailed,limit,marker}"
    assert resources["rel/health"]["href"] == "/v1.1/health"


def test_queue_metadata_is_shown_as_stored(api):
    name = unique("v11")
    r = api.put(v1_1(f"/queues/{name}"), json={"owner": "v11", "_default_message_ttl": 600})
    assert_no_content(r, 201)
    assert_location(r, f"/v1.1/queues/{name}")
    assert_no_content(api.put(v1_1(f"/queues/{name}"), json={"owner": "again"}), 204)
    # No reserved defaults are filled in, and a second PUT kept the first metadata.
    r = api.get(v1_1(f"/queues/{name}"))
    assert assert_json(r, 200) == {"owner": "v11", "_default_message_ttl": 600}
    # v2 sees the same queue, with its defaults.
    assert assert_json(api.get(f"/v2/queues/{name}"), 200)["_max_messages_post_size"] == 262144
    assert_no_content(api.delete(v1_1(f"/queues/{name}")))


def test_missing_queue_reads_as_empty_metadata(api):
    # Zaqar's queues are lazy in v1.1 too; the GET creates nothing.
    name = unique("v11")
    assert assert_json(api.get(v1_1(f"/queues/{name}")), 200) == {}
    listed = assert_json(api.get(v1_1("/queues"), params={"limit": 20}), 200)["queues"]
    assert name not in [q["name"] for q in listed]


def test_reserved_metadata_is_validated(api):
    r = api.put(v1_1(f"/queues/{unique('v11')}"), json={"_default_message_ttl": 10})
    assert_error(r, 400)


def test_queue_patch_is_not_a_v1_1_method(api, queue):
    r = api.patch(v1_1(f"/queues/{queue}"), json=[],
                  headers={"Content-Type": "application/openstack-messaging-v2.0-json-patch"})
    assert_error(r, 405)
    assert sorted(r.headers["Allow"].split(", ")) == ["DELETE", "GET", "PUT"]


def test_listing_pages_with_v1_1_hrefs(api):
    peer = api.peer()
    peer.project_id = f"e2e-{uuid.uuid4().hex[:16]}"
    peer.headers["X-Project-ID"] = peer.project_id
    names = sorted(unique("v11") for _ in range(3))
    for name in names:
        assert peer.put(v1_1(f"/queues/{name}"), json={"n": name}).status_code == 201
    body = assert_json(peer.get(v1_1("/queues"), params={"limit": 2, "detailed": "true"}), 200)
    assert [q["name"] for q in body["queues"]] == names[:2]
    assert body["queues"][0] == {"name": names[0], "href": f"/v1.1/queues/{names[0]}",
                                 "metadata": {"n": names[0]}}
    # falcon's to_query_str of the parameters given, the new marker last (none was given).
    assert body["links"] == [{"rel": "next", "href":
                              f"/v1.1/queues?limit=2&detailed=true&marker={names[1]}"}]
    path, params = split_href(body["links"][0]["href"])
    body = assert_json(peer.get(path, params=params), 200)
    assert [q["name"] for q in body["queues"]] == names[2:]
    assert "metadata" in body["queues"][0]
    body = assert_json(peer.get(v1_1("/queues"), params={"marker": names[2]}), 200)
    assert body == {"queues": [], "links": []}
    # v2's filters are not v1.1's: an unknown parameter filters nothing.
    body = assert_json(peer.get(v1_1("/queues"), params={"n": names[0]}), 200)
    assert [q["name"] for q in body["queues"]] == names
    assert "metadata" not in body["queues"][0]


def test_post_and_list_messages(api, queue):
    ids = post(api, queue, {"n": 1}, {"n": 2})
    body = assert_json(api.get(v1_1(f"/queues/{queue}/messages"), params={"echo": "true"}), 200)
    assert [m["id"] for m in body["messages"]] == ids
    first = body["messages"][0]
    assert set(first) == {"id", "href", "ttl", "age", "body"}
    assert first["href"] == f"/v1.1/queues/{queue}/messages/{ids[0]}"
    assert first["body"] == {"n": 1} and first["ttl"] == 300
    path, params = split_href(body["links"][0]["href"])
    assert path == f"/v1.1/queues/{queue}/messages"
    assert params["marker"]
    # echo is off by default: a client does not see its own messages.
    body = assert_json(api.get(v1_1(f"/queues/{queue}/messages")), 200)
    assert body == {"messages": [], "links": []}
    # Another client's listing shows them.
    body = assert_json(api.peer().get(v1_1(f"/queues/{queue}/messages")), 200)
    assert len(body["messages"]) == 2


def test_post_answers_hrefs_and_location(api, queue):
    r = api.post(v1_1(f"/queues/{queue}/messages"), json={"messages": [{"body": 1}]})
    body = assert_json(r, 201)
    (href,) = body["resources"]
    assert href.startswith(f"/v1.1/queues/{queue}/messages/")
    assert_location(r, f"/v1.1/queues/{queue}/messages", {"ids": id_from_href(href)})


def test_a_delay_is_not_a_v1_1_field(api, queue):
    # v1.1 reads ttl and body only: the message is visible at once.
    (mid,) = post(api, queue, "now", delay=600)
    body = assert_json(api.get(v1_1(f"/queues/{queue}/messages"), params={"echo": "true"}), 200)
    assert [m["id"] for m in body["messages"]] == [mid]


def test_post_without_messages_is_400(api, queue):
    body = assert_error(api.post(v1_1(f"/queues/{queue}/messages"), json={"other": []}), 400)
    assert body["description"] == "No messages were found in the request body."


def test_client_id_is_required(api, queue):
    r = api.get(v1_1(f"/queues/{queue}/messages"), headers={"Client-ID": None})
    assert_error(r, 400)


def test_get_messages_by_id_and_one_message(api, queue):
    ids = post(api, queue, "a", "b")
    body = assert_json(api.get(v1_1(f"/queues/{queue}/messages"),
                               params={"ids": ",".join(ids)}), 200)
    assert sorted(m["id"] for m in body["messages"]) == sorted(ids)
    one = assert_json(api.get(v1_1(f"/queues/{queue}/messages/{ids[1]}")), 200)
    assert one["id"] == ids[1] and one["body"] == "b"
    assert one["href"] == f"/v1.1/queues/{queue}/messages/{ids[1]}"
    assert_no_content(api.delete(v1_1(f"/queues/{queue}/messages"),
                                 params={"ids": ",".join(ids)}))
    r = api.get(v1_1(f"/queues/{queue}/messages"), params={"ids": ",".join(ids)})
    assert_error(r, 404)
    assert_error(api.get(v1_1(f"/queues/{queue}/messages/{ids[0]}")), 404)


def test_pop_and_deletion_errors(api, queue):
    post(api, queue, "x", "y", "z")
    body = assert_json(api.delete(v1_1(f"/queues/{queue}/messages"), params={"pop": 2}), 200)
    assert [m["body"] for m in body["messages"]] == ["x", "y"]
    assert_error(api.delete(v1_1(f"/queues/{queue}/messages")), 400)
    assert_error(api.delete(v1_1(f"/queues/{queue}/messages"),
                            params={"pop": 1, "ids": "a"}), 400)


def test_claim_lifecycle(api, queue):
    ids = post(api, queue, "c1", "c2", "c3")
    r = api.post(v1_1(f"/queues/{queue}/claims"), params={"limit": 2},
                 json={"ttl": 300, "grace": 60})
    body = assert_json(r, 201)
    claim_path = split_href(r.headers["Location"])[0]
    assert claim_path.startswith(f"/v1.1/queues/{queue}/claims/")
    claim_id = claim_path.rsplit("/", 1)[1]
    assert [m["id"] for m in body["messages"]] == ids[:2]
    path, params = split_href(body["messages"][0]["href"])
    assert path == f"/v1.1/queues/{queue}/messages/{ids[0]}"
    assert params == {"claim_id": claim_id}

    claim = assert_json(api.get(claim_path), 200)
    assert claim["href"] == claim_path and claim["ttl"] == 300
    assert len(claim["messages"]) == 2
    assert_no_content(api.patch(claim_path, json={"ttl": 400, "grace": 60}))
    assert assert_json(api.get(claim_path), 200)["ttl"] == 400

    # A claimed message needs its claim to be deleted (403), then goes with it.
    assert_error(api.delete(v1_1(f"/queues/{queue}/messages/{ids[0]}")), 403)
    assert_no_content(api.delete(v1_1(f"/queues/{queue}/messages/{ids[0]}"),
                                 params={"claim_id": claim_id}))
    stats = assert_json(api.get(v1_1(f"/queues/{queue}/stats")), 200)["messages"]
    assert (stats["claimed"], stats["free"], stats["total"]) == (1, 1, 2)
    assert stats["oldest"]["href"].startswith(f"/v1.1/queues/{queue}/messages/")

    assert_no_content(api.delete(claim_path))
    assert_error(api.get(claim_path), 404)
    stats = assert_json(api.get(v1_1(f"/queues/{queue}/stats")), 200)["messages"]
    assert (stats["claimed"], stats["free"]) == (0, 2)


def test_claim_without_body_and_nothing_to_claim(api, queue):
    r = api.post(v1_1(f"/queues/{queue}/claims"))
    assert_no_content(r, 204)
    post(api, queue, "d")
    body = assert_json(api.post(v1_1(f"/queues/{queue}/claims")), 201)
    assert len(body["messages"]) == 1


def test_both_versions_share_the_queue(api, queue):
    (mid,) = post(api, queue, "from v1.1")
    body = assert_json(api.get(f"/v2/queues/{queue}/messages", params={"echo": "true"}), 200)
    assert [m["id"] for m in body["messages"]] == [mid]
    r = api.post(f"/v2/queues/{queue}/messages", json={"messages": [{"body": "from v2"}]})
    assert r.status_code == 201, r.text
    body = assert_json(api.get(v1_1(f"/queues/{queue}/messages"), params={"echo": "true"}), 200)
    assert [m["body"] for m in body["messages"]] == ["from v1.1", "from v2"]


@pytest.mark.parametrize("method,path", [
    ("GET", "/topics"),
    ("GET", "/queues/{q}/subscriptions"),
    ("POST", "/queues/{q}/purge"),
    ("POST", "/queues/{q}/share"),
])
def test_v2_only_resources_are_not_found(api, queue, method, path):
    assert_error(api.request(method, v1_1(path.format(q=queue)), json={}), 404)


def test_ping_and_health(api):
    assert_no_content(api.get(v1_1("/ping")))
    assert_no_content(api.head(v1_1("/ping")))
    # health:get is the admin role's (Zaqar's policy).
    assert_error(api.get(v1_1("/health")), 403)
    health = assert_json(api.get(v1_1("/health"), headers={"X-Roles": "admin"}), 200)
    assert health["storage_reachable"] is True
    # v1.1's health resource has GET alone.
    r = api.head(v1_1("/health"))
    assert r.status_code == 405
