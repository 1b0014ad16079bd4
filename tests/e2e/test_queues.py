"""Queues: create, metadata, PATCH, delete, listing, stats and purge."""

import json

import pytest

from conftest import Api
from e2e_helpers import (RESERVED_DEFAULTS, assert_error, assert_json, assert_location,
                         assert_no_content, claim, exists, list_messages, next_href, post,
                         split_href, unique)

PATCH_TYPE = "application/openstack-messaging-v2.0-json-patch"


def patch(api, queue, ops, content_type=PATCH_TYPE):
    return api.patch(f"/v2/queues/{queue}", data=json.dumps(ops),
                     headers={"Content-Type": content_type})


# --- PUT / GET / DELETE -------------------------------------------------------------------

def test_put_creates_then_204(api):
    name = unique()
    r = api.put(f"/v2/queues/{name}")
    assert_no_content(r, 201)
    assert_location(r, f"/v2/queues/{name}")
    r = api.put(f"/v2/queues/{name}")
    assert_no_content(r, 204)
    assert_location(r, f"/v2/queues/{name}")


def test_get_fills_reserved_defaults(api):
    name = unique()
    assert api.put(f"/v2/queues/{name}", json={"foo": "bar", "n": [1, 2]}).status_code == 201
    body = assert_json(api.get(f"/v2/queues/{name}"), 200)
    assert body == {"foo": "bar", "n": [1, 2], **RESERVED_DEFAULTS}


def test_get_keeps_set_reserved_values(api):
    name = unique()
    meta = {"_default_message_ttl": 120, "_max_messages_post_size": 1000,
            "_default_message_delay": 5, "_max_claim_count": 3, "_dead_letter_queue": "dlq",
            "_dead_letter_queue_messages_ttl": 600}
    assert api.put(f"/v2/queues/{name}", json=meta).status_code == 201
    body = assert_json(api.get(f"/v2/queues/{name}"), 200)
    assert body == {**RESERVED_DEFAULTS, **meta}


def test_put_existing_queue_keeps_metadata(api):
    # Zaqar 15: PUT on an existing queue answers 204 and leaves the metadata unchanged.
    name = unique()
    assert api.put(f"/v2/queues/{name}", json={"a": 1}).status_code == 201
    assert api.put(f"/v2/queues/{name}", json={"a": 2}).status_code == 204
    assert api.get(f"/v2/queues/{name}").json()["a"] == 1


def test_get_missing_queue_reads_as_the_defaults(api):
    # Zaqar 15's queues are lazy: a missing one reads as an empty one, and its API tests rely
    # on it. The GET creates nothing.
    name = unique()
    assert assert_json(api.get(f"/v2/queues/{name}"), 200) == RESERVED_DEFAULTS
    assert not exists(api, name)
    assert api.put(f"/v2/queues/{name}", json={"a": 1}).status_code == 201
    api.delete(f"/v2/queues/{name}")
    assert assert_json(api.get(f"/v2/queues/{name}"), 200) == RESERVED_DEFAULTS


@pytest.mark.parametrize("kind", ["queues", "topics"])
def test_get_missing_source_is_404_when_queues_are_not_lazy(make_server, kind):
    with Api(make_server(transport_lazy_queue_get="false")) as strict:
        name = unique()
        body = assert_error(strict.get(f"/v2/{kind}/{name}"), 404)
        assert body["description"] == f"{kind[:-1].capitalize()} {name} does not exist."
        assert strict.put(f"/v2/{kind}/{name}", json={"a": 1}).status_code == 201
        assert assert_json(strict.get(f"/v2/{kind}/{name}"), 200)["a"] == 1


@pytest.mark.parametrize("name", ["a" * 65, "bad$name", "sp%20ace", "%C3%A9t%C3%A9", "a,b",
                                  "semi;colon"])
def test_invalid_queue_names(api, name):
    body = assert_error(api.put(f"/v2/queues/{name}"), 400)
    assert body["title"] == "Invalid queue identification"
    assert_error(api.post(f"/v2/queues/{name}/messages", json={"messages": [{"body": 1}]}), 400)


@pytest.mark.parametrize("name", ["a" * 64, "A-z_0.9", "-", "..."])
def test_valid_queue_names(api, name):
    assert api.put(f"/v2/queues/{name}").status_code == 201
    assert api.delete(f"/v2/queues/{name}").status_code == 204


@pytest.mark.parametrize("data", ["[1, 2]", '"text"', "42", "{not json", '{"a": 1'])
def test_put_rejects_non_object_or_bad_json(api, data):
    r = api.put(f"/v2/queues/{unique()}", data=data, headers={"Content-Type": "application/json"})
    assert_error(r, 400)


@pytest.mark.parametrize("meta", [
    {"_default_message_ttl": 59},
    {"_default_message_ttl": 1209601},
    {"_default_message_ttl": "3600"},
    {"_max_messages_post_size": 0},
    {"_max_messages_post_size": 262145},
    {"_max_messages_post_size": "big"},
    {"_default_message_delay": -1},
    {"_default_message_delay": 901},
    {"_dead_letter_queue_messages_ttl": 59},
    {"_dead_letter_queue_messages_ttl": 1209601},
    {"_max_claim_count": "3"},
    {"_enable_encrypt_messages": "yes"},
])
def test_put_rejects_bad_reserved_values(api, meta):
    name = unique()
    assert_error(api.put(f"/v2/queues/{name}", json=meta), 400)


def test_put_accepts_reserved_bounds(api):
    meta = {"_default_message_ttl": 60, "_max_messages_post_size": 262144,
            "_default_message_delay": 900, "_dead_letter_queue_messages_ttl": 1209600}
    assert api.put(f"/v2/queues/{unique()}", json=meta).status_code == 201


def test_put_metadata_too_large(api):
    r = api.put(f"/v2/queues/{unique()}", json={"x": "a" * 65536})
    assert_error(r, 400)


def test_delete_is_idempotent(api, queue_name):
    post(api, queue_name, "m")
    assert_no_content(api.delete(f"/v2/queues/{queue_name}"))
    assert_no_content(api.delete(f"/v2/queues/{queue_name}"))
    assert queue_name not in [q["name"] for q in api.get("/v2/queues").json()["queues"]]
    assert list_messages(api, queue_name)["messages"] == []


def test_queues_are_isolated_by_project(api, queue_name):
    other = api.__class__(api.server)  # a different project
    assert queue_name not in [q["name"] for q in other.get("/v2/queues").json()["queues"]]
    post(api, queue_name, "secret")
    assert list_messages(other, queue_name)["messages"] == []


# --- PATCH --------------------------------------------------------------------------------

def test_patch_wrong_content_type_is_415(api, queue_name):
    ops = [{"op": "add", "path": "/metadata/a", "value": 1}]
    assert patch(api, queue_name, ops, content_type="application/json").status_code == 415


def test_patch_add_replace_remove(api, queue_name):
    r = patch(api, queue_name, [{"op": "add", "path": "/metadata/a", "value": 1},
                                {"op": "add", "path": "/metadata/b", "value": {"x": [1]}}])
    assert assert_json(r, 200) == {"a": 1, "b": {"x": [1]}, **RESERVED_DEFAULTS}

    r = patch(api, queue_name, [{"op": "replace", "path": "/metadata/a", "value": "two"}])
    assert assert_json(r, 200) == {"a": "two", "b": {"x": [1]}, **RESERVED_DEFAULTS}

    r = patch(api, queue_name, [{"op": "remove", "path": "/metadata/b"}])
    assert assert_json(r, 200) == {"a": "two", **RESERVED_DEFAULTS}
    assert api.get(f"/v2/queues/{queue_name}").json() == {"a": "two", **RESERVED_DEFAULTS}


def test_patch_reserved_keys_can_be_replaced_and_removed_when_unset(api, queue_name):
    r = patch(api, queue_name, [{"op": "replace", "path": "/metadata/_default_message_ttl",
                                 "value": 120}])
    assert assert_json(r, 200)["_default_message_ttl"] == 120
    r = patch(api, queue_name, [{"op": "remove", "path": "/metadata/_max_claim_count"}])
    assert_json(r, 200)


@pytest.mark.parametrize("op", [{"op": "replace", "path": "/metadata/missing", "value": 1},
                                {"op": "remove", "path": "/metadata/missing"}])
def test_patch_missing_key_is_409(api, queue_name, op):
    assert_error(patch(api, queue_name, [op]), 409)


def test_patch_is_all_or_nothing(api, queue_name):
    r = patch(api, queue_name, [{"op": "add", "path": "/metadata/a", "value": 1},
                                {"op": "remove", "path": "/metadata/missing"}])
    assert_error(r, 409)
    assert "a" not in api.get(f"/v2/queues/{queue_name}").json()


def test_patch_missing_queue_is_404(api):
    ops = [{"op": "add", "path": "/metadata/a", "value": 1}]
    assert_error(patch(api, unique(), ops), 404)


def test_patch_empty_body_is_400(api, queue_name):
    r = api.patch(f"/v2/queues/{queue_name}", data=b"", headers={"Content-Type": PATCH_TYPE})
    assert_error(r, 400)


@pytest.mark.parametrize("ops", [
    {"op": "add", "path": "/metadata/a", "value": 1},          # not an array
    [{"op": "move", "path": "/metadata/a", "value": 1}],       # unsupported op
    [{"path": "/metadata/a", "value": 1}],                     # no op
    [{"op": "add", "value": 1}],                               # no path
    [{"op": "add", "path": "/metadata/a"}],                    # add without value
    [{"op": "add", "path": "/other/a", "value": 1}],           # root must be metadata
    [{"op": "add", "path": "/metadata/a/b", "value": 1}],      # exactly two segments
    [{"op": "add", "path": "metadata/a", "value": 1}],         # must start with /
    ["not an object"],
    [{"op": "add", "path": "/metadata/_default_message_ttl", "value": 10}],  # out of range
])
def test_patch_invalid_documents_are_400(api, queue_name, ops):
    assert_error(patch(api, queue_name, ops), 400)


def test_patch_bad_json_is_400(api, queue_name):
    r = api.patch(f"/v2/queues/{queue_name}", data="[{", headers={"Content-Type": PATCH_TYPE})
    assert_error(r, 400)


def test_patch_json_pointer_escapes(api, queue_name):
    r = patch(api, queue_name, [{"op": "add", "path": "/metadata/a~1b~0c", "value": 1}])
    assert assert_json(r, 200)["a/b~c"] == 1


# --- listing ------------------------------------------------------------------------------

def make_queues(api, names, meta=None):
    for n in names:
        assert api.put(f"/v2/queues/{n}", json=(meta or {}).get(n)).status_code == 201


def test_list_empty_project(api):
    assert assert_json(api.get("/v2/queues"), 200) == {"queues": [], "links": []}


def test_list_queues_sorted_with_hrefs(api):
    names = ["q-c", "q-a", "q-b"]
    make_queues(api, names)
    body = assert_json(api.get("/v2/queues"), 200)
    assert body["queues"] == [{"name": n, "href": f"/v2/queues/{n}"} for n in sorted(names)]
    assert next_href(body) is not None  # a non-empty page always has a next link
    assert "count" not in body


def test_list_paging_with_marker(api):
    names = [f"q-{i:02d}" for i in range(5)]
    make_queues(api, names)
    seen, href, pages = [], "/v2/queues?limit=2", 0
    while True:
        body = assert_json(api.get(href), 200)
        pages += 1
        if not body["queues"]:
            assert body["links"] == []
            break
        assert len(body["queues"]) <= 2
        seen += [q["name"] for q in body["queues"]]
        href = next_href(body)
        path, query = split_href(href)
        assert path == "/v2/queues"
        assert query["limit"] == "2"
        assert query["marker"] == seen[-1]
        assert pages < 10
    assert seen == names
    assert pages == 4  # 2 + 2 + 1, then the empty page


def test_list_default_limit_is_10(api):
    make_queues(api, [f"q-{i:02d}" for i in range(12)])
    assert len(api.get("/v2/queues").json()["queues"]) == 10
    assert len(api.get("/v2/queues", params={"limit": 20}).json()["queues"]) == 12


@pytest.mark.parametrize("limit", ["0", "21", "-1", "abc"])
def test_list_limit_out_of_range(api, limit):
    assert_error(api.get("/v2/queues", params={"limit": limit}), 400)


def test_list_detailed(api):
    make_queues(api, ["q-a", "q-b"], meta={"q-a": {"color": "red"}})
    body = assert_json(api.get("/v2/queues", params={"detailed": "true"}), 200)
    assert body["queues"] == [
        {"name": "q-a", "href": "/v2/queues/q-a", "metadata": {"color": "red", **RESERVED_DEFAULTS}},
        {"name": "q-b", "href": "/v2/queues/q-b", "metadata": RESERVED_DEFAULTS},
    ]
    # Spelled as falcon's to_query_str spells True in Zaqar's next link.
    assert split_href(next_href(body))[1].get("detailed") == "true"


def test_list_name_filter(api):
    make_queues(api, ["alpha-1", "beta-1", "alpha-2", "xalphax"])
    body = assert_json(api.get("/v2/queues", params={"name": "alpha"}), 200)
    assert [q["name"] for q in body["queues"]] == ["alpha-1", "alpha-2", "xalphax"]


def test_list_with_count(api):
    make_queues(api, [f"q-{i}" for i in range(3)])
    body = assert_json(api.get("/v2/queues", params={"with_count": "true", "limit": 2}), 200)
    assert len(body["queues"]) == 2
    assert body["count"] == 3


def test_list_metadata_filter(api):
    make_queues(api, ["q-1", "q-2", "q-3", "q-4"],
                meta={"q-1": {"foo": "bar"}, "q-2": {"foo": "baz"}, "q-3": {"foo": "bar", "n": 5},
                      "q-4": {"n": 5}})
    body = assert_json(api.get("/v2/queues", params={"foo": "bar"}), 200)
    assert [q["name"] for q in body["queues"]] == ["q-1", "q-3"]
    # Numeric strings are compared as integers.
    body = assert_json(api.get("/v2/queues", params={"n": "5"}), 200)
    assert [q["name"] for q in body["queues"]] == ["q-3", "q-4"]


# --- stats --------------------------------------------------------------------------------

def test_stats_of_empty_and_missing_queue(api, queue_name):
    zeros = {"messages": {"claimed": 0, "free": 0, "total": 0}}
    assert assert_json(api.get(f"/v2/queues/{queue_name}/stats"), 200) == zeros
    assert assert_json(api.get(f"/v2/queues/{unique()}/stats"), 200) == zeros


def test_stats_counts_and_oldest_newest(api, queue_name):
    ids = post(api, queue_name, "a", "b", "c")
    stats = assert_json(api.get(f"/v2/queues/{queue_name}/stats"), 200)["messages"]
    assert (stats["free"], stats["claimed"], stats["total"]) == (3, 0, 3)
    assert stats["oldest"]["href"] == f"/v2/queues/{queue_name}/messages/{ids[0]}"
    assert stats["newest"]["href"] == f"/v2/queues/{queue_name}/messages/{ids[2]}"
    for end in ("oldest", "newest"):
        assert isinstance(stats[end]["age"], int) and stats[end]["age"] >= 0
        created = stats[end]["created"]
        assert len(created) == 20 and created[10] == "T" and created.endswith("Z"), created

    cid, msgs = claim(api, queue_name, limit=1)
    assert cid and len(msgs) == 1
    stats = api.get(f"/v2/queues/{queue_name}/stats").json()["messages"]
    assert (stats["free"], stats["claimed"], stats["total"]) == (2, 1, 3)


# --- purge --------------------------------------------------------------------------------

def test_purge_everything(api, queue_name):
    # (Zaqar purges by popping, so it would leave claimed messages behind: not tested here.)
    post(api, queue_name, 1, 2, 3)
    assert_no_content(api.post(f"/v2/queues/{queue_name}/purge"))
    assert list_messages(api, queue_name, include_claimed="true")["messages"] == []
    stats = api.get(f"/v2/queues/{queue_name}/stats").json()
    assert stats == {"messages": {"claimed": 0, "free": 0, "total": 0}}
    # The queue itself survives a purge.
    assert queue_name in [q["name"] for q in api.get("/v2/queues").json()["queues"]]


def test_purge_messages_only(api, queue_name):
    post(api, queue_name, 1, 2)
    r = api.post(f"/v2/queues/{queue_name}/purge", json={"resource_types": ["messages"]})
    assert_no_content(r)
    assert list_messages(api, queue_name)["messages"] == []


@pytest.mark.parametrize("doc", [{"resource_types": ["bogus"]},
                                 {"resource_types": ["messages", "queues"]},
                                 {}])
def test_purge_invalid_resource_types(api, queue_name, doc):
    post(api, queue_name, 1)
    assert_error(api.post(f"/v2/queues/{queue_name}/purge", json=doc), 400)
    assert len(list_messages(api, queue_name)["messages"]) == 1
