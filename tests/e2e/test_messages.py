"""Messages: post, list (feed mode), get by id(s), delete, pop."""

import json
import uuid

import pytest

from e2e_helpers import (MESSAGE_KEYS, assert_error, assert_json, assert_location,
                         assert_no_content, claim, id_from_href, list_messages, next_href, post,
                         split_href, unique)


def msgs_url(queue):
    return f"/v2/queues/{queue}/messages"


# --- POST ---------------------------------------------------------------------------------

def test_post_batch(api, queue_name):
    batch = [{"body": {"n": 1}, "ttl": 300}, {"body": "two"}, {"body": [3, None, True], "ttl": 60}]
    r = api.post(msgs_url(queue_name), json={"messages": batch})
    body = assert_json(r, 201)
    assert set(body) == {"resources"}
    hrefs = body["resources"]
    assert len(hrefs) == 3
    ids = [id_from_href(h) for h in hrefs]
    assert len(set(ids)) == 3
    for h, i in zip(hrefs, ids):
        assert h == f"{msgs_url(queue_name)}/{i}"
    assert_location(r, msgs_url(queue_name), {"ids": ",".join(ids)})

    # Posted order, bodies and ttls (the default ttl is 3600).
    for i, m, ttl in zip(ids, batch, [300, 3600, 60]):
        got = assert_json(api.get(f"{msgs_url(queue_name)}/{i}"), 200)
        assert set(got) == MESSAGE_KEYS
        assert got["id"] == i
        assert got["href"] == f"{msgs_url(queue_name)}/{i}"
        assert got["body"] == m["body"]
        assert got["ttl"] == ttl
        assert isinstance(got["age"], int) and 0 <= got["age"] < 60


def test_post_uses_queue_default_ttl(api):
    name = unique()
    assert api.put(f"/v2/queues/{name}", json={"_default_message_ttl": 120}).status_code == 201
    [mid] = post(api, name, "x")
    assert api.get(f"{msgs_url(name)}/{mid}").json()["ttl"] == 120


def test_post_creates_queue_lazily(api):
    name = unique()
    post(api, name, "hello")
    assert name in [q["name"] for q in api.get("/v2/queues").json()["queues"]]
    assert [m["body"] for m in list_messages(api, name)["messages"]] == ["hello"]


def test_post_drops_unknown_fields(api, queue_name):
    r = api.post(msgs_url(queue_name), json={"messages": [{"body": 1, "extra": "x"}]})
    mid = id_from_href(assert_json(r, 201)["resources"][0])
    assert set(api.get(f"{msgs_url(queue_name)}/{mid}").json()) == MESSAGE_KEYS


@pytest.mark.parametrize("doc", [
    {"messages": []},                                   # nothing to enqueue
    {},                                                 # no messages key
    {"msgs": [{"body": 1}]},
    {"messages": [{"ttl": 300}]},                       # no body
    {"messages": [{"body": 1}, {"ttl": 60}]},           # one of them has no body
    {"messages": {"body": 1}},                          # not an array
    {"messages": ["body"]},                             # not objects
    {"messages": [{"body": 1, "ttl": 59}]},
    {"messages": [{"body": 1, "ttl": 1209601}]},
    {"messages": [{"body": 1, "ttl": "x"}]},
    {"messages": [{"body": 1, "ttl": 300.5}]},
    {"messages": [{"body": 1, "delay": -1}]},
    {"messages": [{"body": 1, "delay": 901}]},
    {"messages": [{"body": 1, "delay": "x"}]},
])
def test_post_invalid(api, queue_name, doc):
    assert_error(api.post(msgs_url(queue_name), json=doc), 400)
    assert list_messages(api, queue_name)["messages"] == []


@pytest.mark.parametrize("data", ["{not json", "[]", '"x"', ""])
def test_post_unparsable_or_wrong_document(api, queue_name, data):
    r = api.post(msgs_url(queue_name), data=data, headers={"Content-Type": "application/json"})
    assert_error(r, 400)


@pytest.mark.parametrize("ttl", [60, 1209600])
def test_post_ttl_bounds_accepted(api, queue_name, ttl):
    [mid] = post(api, queue_name, "x", ttl=ttl)
    assert api.get(f"{msgs_url(queue_name)}/{mid}").json()["ttl"] == ttl


def test_post_too_large(api, queue_name):
    big = "a" * 262144
    assert_error(api.post(msgs_url(queue_name), json={"messages": [{"body": big}]}), 400)


def test_post_queue_size_cap(api):
    name = unique()
    assert api.put(f"/v2/queues/{name}", json={"_max_messages_post_size": 1000}).status_code == 201
    assert_error(api.post(msgs_url(name), json={"messages": [{"body": "a" * 1000}]}), 400)
    assert api.post(msgs_url(name), json={"messages": [{"body": "a" * 100}]}).status_code == 201


def test_post_many_small_messages(api, queue_name):
    # There is no count limit, only the byte limit.
    r = api.post(msgs_url(queue_name), json={"messages": [{"body": i} for i in range(100)]})
    assert len(assert_json(r, 201)["resources"]) == 100


# --- GET list -----------------------------------------------------------------------------

def test_list_is_fifo_with_message_shape(api, queue_name):
    ids = post(api, queue_name, 0, 1) + post(api, queue_name, 2) + post(api, queue_name, 3, 4)
    body = list_messages(api, queue_name)
    assert [m["id"] for m in body["messages"]] == ids
    assert [m["body"] for m in body["messages"]] == [0, 1, 2, 3, 4]
    for m in body["messages"]:
        assert set(m) == MESSAGE_KEYS
        assert m["href"] == f"{msgs_url(queue_name)}/{m['id']}"
        assert m["ttl"] == 3600
    assert next_href(body) is not None


def test_list_empty_and_missing_queue(api, queue_name):
    assert list_messages(api, queue_name) == {"messages": [], "links": []}
    assert list_messages(api, unique()) == {"messages": [], "links": []}


def test_list_limit(api, queue_name):
    post(api, queue_name, *range(12))
    assert len(list_messages(api, queue_name)["messages"]) == 10
    assert len(list_messages(api, queue_name, limit=5)["messages"]) == 5
    assert len(list_messages(api, queue_name, limit=20)["messages"]) == 12


@pytest.mark.parametrize("limit", ["0", "21", "x"])
def test_list_limit_out_of_range(api, queue_name, limit):
    assert_error(api.get(msgs_url(queue_name), params={"limit": limit, "echo": "true"}), 400)


def test_list_paging_follows_next_until_empty(api, queue_name):
    ids = post(api, queue_name, *range(7))
    seen, href, pages = [], f"{msgs_url(queue_name)}?limit=3&echo=true", 0
    while True:
        body = assert_json(api.get(href), 200)
        pages += 1
        if not body["messages"]:
            assert body["links"] == []
            break
        seen += [m["id"] for m in body["messages"]]
        href = next_href(body)
        path, query = split_href(href)
        assert path == msgs_url(queue_name)
        assert query["limit"] == "3"
        assert "marker" in query
        assert pages < 10
    assert seen == ids
    assert pages == 4


def test_marker_survives_new_posts(api, queue_name):
    post(api, queue_name, 1, 2)
    body = list_messages(api, queue_name)
    post(api, queue_name, 3)
    later = assert_json(api.get(next_href(body)), 200)
    assert [m["body"] for m in later["messages"]] == [3]


def test_echo(api, queue_name):
    post(api, queue_name, "mine")
    peer = api.peer()
    post(peer, queue_name, "theirs")
    # Default echo=false hides the caller's own messages.
    r = api.get(msgs_url(queue_name))
    assert [m["body"] for m in assert_json(r, 200)["messages"]] == ["theirs"]
    assert [m["body"] for m in list_messages(api, queue_name, echo="false")["messages"]] == [
        "theirs"]
    assert [m["body"] for m in list_messages(api, queue_name, echo="true")["messages"]] == [
        "mine", "theirs"]
    assert [m["body"] for m in peer.get(msgs_url(queue_name)).json()["messages"]] == ["mine"]


@pytest.mark.parametrize("value", ["true", "True", "1", "yes"])
def test_boolean_params_accept_common_spellings(api, queue_name, value):
    # python-zaqarclient sends Python's str(True) == "True".
    post(api, queue_name, "x")
    body = assert_json(api.get(msgs_url(queue_name), params={"echo": value}), 200)
    assert len(body["messages"]) == 1


def test_include_claimed(api, queue_name):
    ids = post(api, queue_name, "a", "b")
    cid, claimed = claim(api, queue_name, limit=1)
    assert [m["id"] for m in claimed] == [ids[0]]
    assert [m["id"] for m in list_messages(api, queue_name)["messages"]] == [ids[1]]
    body = list_messages(api, queue_name, include_claimed="true")
    assert [m["id"] for m in body["messages"]] == ids


def test_delayed_message_is_hidden(api, queue_name):
    # DEVIATION from Zaqar 15: a per-message delay is honoured even when the queue has no
    # _default_message_delay (Zaqar silently drops it there).
    r = api.post(msgs_url(queue_name), json={"messages": [{"body": "later", "delay": 300},
                                                          {"body": "now"}]})
    delayed, now = [id_from_href(h) for h in assert_json(r, 201)["resources"]]
    assert [m["id"] for m in list_messages(api, queue_name)["messages"]] == [now]
    body = list_messages(api, queue_name, include_delayed="true")
    assert [m["id"] for m in body["messages"]] == [delayed, now]
    # Not claimable while delayed.
    cid, claimed = claim(api, queue_name)
    assert [m["id"] for m in claimed] == [now]
    assert claim(api, queue_name) == (None, [])


def test_queue_default_delay(api):
    name = unique()
    assert api.put(f"/v2/queues/{name}", json={"_default_message_delay": 300}).status_code == 201
    r = api.post(msgs_url(name), json={"messages": [{"body": "d"}, {"body": "n", "delay": 0}]})
    delayed, now = [id_from_href(h) for h in assert_json(r, 201)["resources"]]
    assert [m["id"] for m in list_messages(api, name)["messages"]] == [now]
    body = list_messages(api, name, include_delayed="true")
    assert [m["id"] for m in body["messages"]] == [delayed, now]


# --- GET by ids / single ------------------------------------------------------------------

def test_get_by_ids(api, queue_name):
    ids = post(api, queue_name, "a", "b", "c")
    r = api.get(msgs_url(queue_name), params={"ids": f"{ids[0]},{ids[2]}"})
    body = assert_json(r, 200)
    got = {m["id"]: m for m in body["messages"]}
    assert set(got) == {ids[0], ids[2]}
    assert got[ids[2]]["body"] == "c"
    for m in body["messages"]:
        assert set(m) == MESSAGE_KEYS
    # Unknown ids are skipped; all unknown is a 404.
    r = api.get(msgs_url(queue_name), params={"ids": f"{ids[1]},{uuid.uuid4().hex}"})
    assert [m["id"] for m in assert_json(r, 200)["messages"]] == [ids[1]]
    assert_error(api.get(msgs_url(queue_name), params={"ids": uuid.uuid4().hex}), 404)
    assert_error(api.get(msgs_url(queue_name), params={"ids": "nonsense"}), 404)


def test_get_by_too_many_ids(api, queue_name):
    ids = ",".join(uuid.uuid4().hex for _ in range(21))
    assert_error(api.get(msgs_url(queue_name), params={"ids": ids}), 400)


def test_get_single(api, queue_name):
    [mid] = post(api, queue_name, {"k": "v"}, ttl=120)
    got = assert_json(api.get(f"{msgs_url(queue_name)}/{mid}"), 200)
    assert got["id"] == mid and got["body"] == {"k": "v"} and got["ttl"] == 120


@pytest.mark.parametrize("mid", [uuid.uuid4().hex, "nonsense", "0"])
def test_get_single_missing_is_404(api, queue_name, mid):
    assert_error(api.get(f"{msgs_url(queue_name)}/{mid}"), 404)


def test_get_single_from_other_queue_is_404(api, queue_name):
    [mid] = post(api, queue_name, "x")
    other = unique()
    api.put(f"/v2/queues/{other}")
    assert_error(api.get(f"{msgs_url(other)}/{mid}"), 404)


# --- DELETE -------------------------------------------------------------------------------

def test_delete_single(api, queue_name):
    [a, b] = post(api, queue_name, "a", "b")
    assert_no_content(api.delete(f"{msgs_url(queue_name)}/{a}"))
    assert_error(api.get(f"{msgs_url(queue_name)}/{a}"), 404)
    assert [m["id"] for m in list_messages(api, queue_name)["messages"]] == [b]
    # Deleting again, or deleting an unknown id, is still 204.
    assert_no_content(api.delete(f"{msgs_url(queue_name)}/{a}"))
    assert_no_content(api.delete(f"{msgs_url(queue_name)}/{uuid.uuid4().hex}"))


def test_delete_by_ids(api, queue_name):
    ids = post(api, queue_name, "a", "b", "c")
    r = api.delete(msgs_url(queue_name), params={"ids": f"{ids[0]},{ids[2]},{uuid.uuid4().hex}"})
    assert_no_content(r)
    assert [m["id"] for m in list_messages(api, queue_name)["messages"]] == [ids[1]]


def test_pop(api, queue_name):
    ids = post(api, queue_name, "a", "b", "c")
    body = assert_json(api.delete(msgs_url(queue_name), params={"pop": 2}), 200)
    popped = body["messages"]
    assert [m["id"] for m in popped] == ids[:2]
    assert [m["body"] for m in popped] == ["a", "b"]
    for m in popped:
        assert {"id", "body", "ttl", "age", "claim_count"} <= set(m)
        # python-zaqarclient builds Message(**m): any other key would make it raise TypeError.
        assert set(m) <= {"id", "body", "ttl", "age", "claim_count", "claim_id", "checksum", "href"}
        assert m.get("claim_id") is None
    assert [m["id"] for m in list_messages(api, queue_name)["messages"]] == [ids[2]]
    for i in ids[:2]:
        assert_error(api.get(f"{msgs_url(queue_name)}/{i}"), 404)


def test_pop_skips_claimed_and_empty_queue(api, queue_name):
    ids = post(api, queue_name, "a", "b")
    claim(api, queue_name, limit=1)
    body = assert_json(api.delete(msgs_url(queue_name), params={"pop": 5}), 200)
    assert [m["id"] for m in body["messages"]] == [ids[1]]
    body = assert_json(api.delete(msgs_url(queue_name), params={"pop": 5}), 200)
    assert body == {"messages": []}


@pytest.mark.parametrize("params", [
    {"ids": "a,b", "pop": 1},   # both
    {},                         # neither
    {"pop": 0},
    {"pop": 21},
    {"pop": "x"},
    {"ids": ",".join(str(i) for i in range(21))},
])
def test_delete_collection_invalid(api, queue_name, params):
    post(api, queue_name, "keep")
    assert_error(api.delete(msgs_url(queue_name), params=params), 400)
    assert len(list_messages(api, queue_name)["messages"]) == 1


def test_message_body_roundtrip_unicode_and_nesting(api, queue_name):
    body = {"text": "héllo ✓ \u0000 \"quoted\"", "nested": {"a": [1, 2.5, -3, None, False]},
            "big": 2 ** 53}
    [mid] = post(api, queue_name, body)
    got = api.get(f"{msgs_url(queue_name)}/{mid}")
    assert json.loads(got.content.decode("utf-8"))["body"] == body
