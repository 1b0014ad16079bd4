"""API v1.0 (Zaqar's wsgi/v1_0, the first Marconi API), served by the shared server beside v2
(conftest enables it).

Each expectation is Zaqar 15's v1.0 as its source reads: an empty listing is 204, messages
show by href alone, a post is a bare array with a required ttl and answers `partial`, queue
metadata has its own resource and refuses reserved names, writes need a created queue, a
claim's body is required, and Client-ID and X-Project-ID are needed only where v1.0 needs
them. The queues are v2's.
"""

import uuid

import pytest
import requests

from conftest import REQUEST_TIMEOUT
from e2e_helpers import (assert_error, assert_json, assert_location, assert_no_content,
                         split_href, unique)


def v1(path):
    return "/v1" + path


def post(api, queue, *bodies, ttl=300):
    r = api.post(v1(f"/queues/{queue}/messages"), json=[{"body": b, "ttl": ttl} for b in bodies])
    body = assert_json(r, 201)
    assert body["partial"] is False
    return [split_href(h)[0].rsplit("/", 1)[1] for h in body["resources"]]


@pytest.fixture
def queue(api):
    name = unique("v1")
    assert api.put(v1(f"/queues/{name}")).status_code == 201
    yield name
    api.delete(v1(f"/queues/{name}"))


def test_home_document(api):
    r = api.get("/v1/")
    assert r.status_code == 200, r.text
    resources = r.json()["resources"]
    assert sorted(resources) == sorted(
        f"rel/{rel}" for rel in ("queues", "queue", "queue-metadata", "queue-stats", "messages",
                                 "post-messages", "claim"))
    assert resources["rel/queue"]["hints"]["allow"] == ["GET", "HEAD", "PUT", "DELETE"]
    assert resources["rel/claim"]["href-template"] == "/v1/queues/{queue_name}/claims{?limit}"


def test_queue_existence_and_metadata(api):
    name = unique("v1")
    assert_no_content(api.head(v1(f"/queues/{name}")), 404)
    assert_no_content(api.get(v1(f"/queues/{name}")), 404)
    assert_error(api.get(v1(f"/queues/{name}/metadata")), 404)

    r = api.put(v1(f"/queues/{name}"), json={"ignored": True})
    assert_no_content(r, 201)
    assert_location(r, f"/v1/queues/{name}")
    assert_no_content(api.put(v1(f"/queues/{name}")), 204)
    assert_no_content(api.get(v1(f"/queues/{name}")), 204)
    assert_no_content(api.head(v1(f"/queues/{name}")), 204)
    # PUT's body is not metadata in v1.0.
    assert assert_json(api.get(v1(f"/queues/{name}/metadata")), 200) == {}

    assert_no_content(api.put(v1(f"/queues/{name}/metadata"), json={"owner": "v1"}))
    assert assert_json(api.get(v1(f"/queues/{name}/metadata")), 200) == {"owner": "v1"}
    # A PUT replaces the whole document.
    assert_no_content(api.put(v1(f"/queues/{name}/metadata"), json={"other": 1}))
    assert assert_json(api.get(v1(f"/queues/{name}/metadata")), 200) == {"other": 1}
    assert_no_content(api.delete(v1(f"/queues/{name}")))
    assert_no_content(api.head(v1(f"/queues/{name}")), 404)


def test_metadata_refuses_reserved_names_and_missing_queues(api, queue):
    body = assert_error(api.put(v1(f"/queues/{queue}/metadata"),
                                json={"_default_message_ttl": 600}), 400)
    assert body["description"] == ('Reserved queue attributes in metadata (which names start '
                                   'with "_") can not be set in API v1.')
    assert_error(api.put(v1(f"/queues/{queue}/metadata"), data="[1]"), 400)
    missing = unique("v1")
    body = assert_error(api.put(v1(f"/queues/{missing}/metadata"), json={"a": 1}), 404)
    assert body["description"] == f"Queue {missing} does not exist for project {api.project_id}"


def test_listing_is_204_when_empty_and_pages_otherwise(api):
    peer = api.peer()
    peer.project_id = f"e2e-{uuid.uuid4().hex[:16]}"
    peer.headers["X-Project-ID"] = peer.project_id
    assert_no_content(peer.get(v1("/queues")), 204)
    names = sorted(unique("v1") for _ in range(3))
    for name in names:
        assert peer.put(v1(f"/queues/{name}")).status_code == 201
    body = assert_json(peer.get(v1("/queues"), params={"limit": 2}), 200)
    assert [q["name"] for q in body["queues"]] == names[:2]
    assert body["queues"][0] == {"name": names[0], "href": f"/v1/queues/{names[0]}"}
    assert body["links"] == [{"rel": "next", "href": f"/v1/queues?limit=2&marker={names[1]}"}]
    body = assert_json(peer.get(v1("/queues"), params={"marker": names[1], "detailed": "true"}),
                       200)
    assert body["queues"] == [{"name": names[2], "href": f"/v1/queues/{names[2]}",
                               "metadata": {}}]
    assert_no_content(peer.get(v1("/queues"), params={"marker": names[2]}), 204)


def test_project_and_client_id_are_optional_on_queues(server):
    # Without X-Project-ID v1.0 works in the project-less namespace, as Zaqar's project None.
    name = unique("v1")
    url = server.url + v1(f"/queues/{name}")
    assert requests.put(url, timeout=REQUEST_TIMEOUT).status_code == 201
    assert requests.head(url, timeout=REQUEST_TIMEOUT).status_code == 204
    # Not the same queue as any named project's.
    other = {"X-Project-ID": f"e2e-{uuid.uuid4().hex[:16]}"}
    assert requests.head(url, headers=other, timeout=REQUEST_TIMEOUT).status_code == 404
    r = requests.put(url + "/metadata", json={"a": 1}, timeout=REQUEST_TIMEOUT)
    assert r.status_code == 204, r.text
    r = requests.get(url + "/stats", timeout=REQUEST_TIMEOUT)
    assert assert_json(r, 200)["messages"]["total"] == 0
    # An empty project header is still refused, and so is a malformed Client-ID.
    r = requests.get(url + "/metadata", headers={"X-Project-ID": ""}, timeout=REQUEST_TIMEOUT)
    assert assert_error(r, 400)["title"] == "Empty project header not allowed"
    r = requests.get(url + "/metadata", headers={"Client-ID": "not-a-uuid"},
                     timeout=REQUEST_TIMEOUT)
    assert assert_error(r, 400)["description"] == "Malformed hexadecimal UUID."
    assert requests.delete(url, timeout=REQUEST_TIMEOUT).status_code == 204


def test_messages_need_a_client_id(api, queue):
    for method in ("GET", "POST"):
        r = api.request(method, v1(f"/queues/{queue}/messages"), headers={"Client-ID": None},
                        json=[{"ttl": 60, "body": 1}])
        body = assert_error(r, 400)
        assert body["description"] == 'The "Client-ID" header is required.'


def test_post_is_a_bare_array_with_a_ttl(api, queue):
    r = api.post(v1(f"/queues/{queue}/messages"), json=[{"ttl": 300, "body": {"n": 1}}])
    body = assert_json(r, 201)
    (href,) = body["resources"]
    assert href.startswith(f"/v1/queues/{queue}/messages/")
    assert_location(r, f"/v1/queues/{queue}/messages", {"ids": href.rsplit("/", 1)[1]})
    bad = [
        ({"messages": [{"ttl": 60, "body": 1}]}, "Document type not supported."),
        ([{"body": 1}], 'Missing "ttl" field.'),
        ([{"ttl": 60}], 'Missing "body" field.'),
        ([{"ttl": "60", "body": 1}], 'The value of the "ttl" field must be a int.'),
    ]
    for document, description in bad:
        body = assert_error(api.post(v1(f"/queues/{queue}/messages"), json=document), 400)
        assert body["description"] == description, document


def test_post_to_a_missing_queue_is_404(api):
    missing = unique("v1")
    r = api.post(v1(f"/queues/{missing}/messages"), json=[{"ttl": 60, "body": 1}])
    body = assert_error(r, 404)
    assert body["description"] == f"Queue {missing} does not exist for project {api.project_id}"
    assert_no_content(api.head(v1(f"/queues/{missing}")), 404)


def test_list_and_get_show_hrefs_without_ids(api, queue):
    ids = post(api, queue, "a", "b")
    assert_no_content(api.get(v1(f"/queues/{queue}/messages")), 204)  # echo is off
    body = assert_json(api.get(v1(f"/queues/{queue}/messages"), params={"echo": "true"}), 200)
    assert [m["href"] for m in body["messages"]] == [
        f"/v1/queues/{queue}/messages/{mid}" for mid in ids]
    assert set(body["messages"][0]) == {"href", "ttl", "age", "body"}
    path, params = split_href(body["links"][0]["href"])
    assert path == f"/v1/queues/{queue}/messages"
    assert params["echo"] == "true" and params["marker"]
    # The next page is empty: 204.
    assert_no_content(api.get(path, params=params), 204)

    one = assert_json(api.get(v1(f"/queues/{queue}/messages/{ids[0]}")), 200)
    assert one == {"href": f"/v1/queues/{queue}/messages/{ids[0]}", "ttl": 300,
                   "age": one["age"], "body": "a"}
    # ?ids= answers a bare array.
    listed = assert_json(api.get(v1(f"/queues/{queue}/messages"),
                                 params={"ids": ",".join(ids)}), 200)
    assert sorted(m["body"] for m in listed) == ["a", "b"]


def test_delete_by_ids_only(api, queue):
    ids = post(api, queue, "x", "y")
    body = assert_error(api.delete(v1(f"/queues/{queue}/messages"), params={"pop": 1}), 400)
    assert body["description"] == 'The "ids" parameter is required.'
    assert_no_content(api.delete(v1(f"/queues/{queue}/messages"), params={"ids": ids[0]}))
    assert_no_content(api.get(v1(f"/queues/{queue}/messages"), params={"ids": ids[0]}), 204)
    assert_no_content(api.delete(v1(f"/queues/{queue}/messages/{ids[1]}")))
    assert_error(api.get(v1(f"/queues/{queue}/messages/{ids[1]}")), 404)


def test_claim_lifecycle(api, queue):
    ids = post(api, queue, "c1", "c2", "c3")
    body = assert_error(api.post(v1(f"/queues/{queue}/claims"), json={"ttl": 300}), 400)
    assert body["description"] == 'Missing "grace" field.'
    assert_error(api.post(v1(f"/queues/{queue}/claims")), 400)

    r = api.post(v1(f"/queues/{queue}/claims"), params={"limit": 2},
                 json={"ttl": 300, "grace": 60})
    claimed = assert_json(r, 201)
    claim_path = split_href(r.headers["Location"])[0]
    assert claim_path.startswith(f"/v1/queues/{queue}/claims/")
    claim_id = claim_path.rsplit("/", 1)[1]
    # A bare array of href-only messages.
    assert [split_href(m["href"]) for m in claimed] == [
        (f"/v1/queues/{queue}/messages/{mid}", {"claim_id": claim_id}) for mid in ids[:2]]
    assert "id" not in claimed[0]

    claim = assert_json(api.get(claim_path), 200)
    assert claim["href"] == claim_path and claim["ttl"] == 300
    assert len(claim["messages"]) == 2 and "id" not in claim["messages"][0]
    # PATCH needs a ttl; grace defaults to 0.
    assert_error(api.patch(claim_path, json={"grace": 30}), 400)
    assert_no_content(api.patch(claim_path, json={"ttl": 500}))
    assert assert_json(api.get(claim_path), 200)["ttl"] == 500

    assert_no_content(api.delete(v1(f"/queues/{queue}/messages/{ids[0]}"),
                                 params={"claim_id": claim_id}))
    stats = assert_json(api.get(v1(f"/queues/{queue}/stats")), 200)["messages"]
    assert (stats["claimed"], stats["free"], stats["total"]) == (1, 1, 2)
    assert stats["newest"]["href"].startswith(f"/v1/queues/{queue}/messages/")
    assert_no_content(api.delete(claim_path))
    assert_error(api.get(claim_path), 404)
    # Nothing left to claim: 204.
    api.post(v1(f"/queues/{queue}/claims"), json={"ttl": 300, "grace": 60})
    r = api.post(v1(f"/queues/{queue}/claims"), json={"ttl": 300, "grace": 60})
    assert_no_content(r, 204)


def test_stats_of_a_missing_queue_is_404(api):
    assert_error(api.get(v1(f"/queues/{unique('v1')}/stats")), 404)


def test_both_versions_share_the_queue(api, queue):
    (mid,) = post(api, queue, "from v1")
    body = assert_json(api.get(f"/v2/queues/{queue}/messages", params={"echo": "true"}), 200)
    assert [m["id"] for m in body["messages"]] == [mid]


def test_health_is_public_and_v2_resources_are_not_found(api, queue):
    assert_no_content(api.get(v1("/health")))
    assert_no_content(api.head(v1("/health")))
    assert_error(api.get(v1("/ping")), 404)
    assert_error(api.get(v1(f"/queues/{queue}/subscriptions")), 404)
    assert_error(api.patch(v1(f"/queues/{queue}"), json=[]), 405)
