"""Strict input: bodies that are null, of the wrong type, out of range, too deep or hold
integers beyond 64 bits are refused with a 400 before anything is created or changed."""

import json

import pytest

from conftest import Api
from e2e_helpers import (assert_error, assert_json, assert_no_content, claim, exists, post,
                         unique)

KINDS = ["queues", "topics"]
SCHEME_ERROR = ("The subscriber type of subscription must be supported in the list "
                "['http', 'https', 'mailto', 'trust+http', 'trust+https'].")
TOO_LARGE = "JSON contains integer that is too large."
TOO_DEEP = ("Request body could not be parsed: arrays and objects may nest at most 128 levels "
            "deep.")
PATCH_TYPE = {"Content-Type": "application/openstack-messaging-v2.0-json-patch"}


def nested(depth, leaf=1):
    """`depth` levels of arrays around `leaf`: nested(2) == [[1]]."""
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def send(api, method, url, doc, headers=None):
    """`doc` as the JSON body, even None ("null"), which requests' json= would leave out."""
    headers = {"Content-Type": "application/json", **(headers or {})}
    return api.request(method, url, data=json.dumps(doc), headers=headers)


def assert_missing(api, kind, name):
    """Neither the queue (or topic) nor any subscription of it exists."""
    assert not exists(api, name, kind)
    assert assert_json(api.get(f"/v2/{kind}/{name}/subscriptions"), 200)["subscriptions"] == []


def metadata_of(api, name):
    return assert_json(api.get(f"/v2/queues/{name}"), 200)


# --- subscriptions -------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_null_subscriber_is_400_and_creates_nothing(api, kind):
    name = unique()
    r = api.post(f"/v2/{kind}/{name}/subscriptions", json={"subscriber": None})
    assert assert_error(r, 400) == {"title": "Invalid API request", "description": SCHEME_ERROR}
    assert_missing(api, kind, name)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("subscriber, description", [
    ("http://", "The subscriber of subscription must name a host."),
    ("https:///hook", "The subscriber of subscription must name a host."),
    ("http://[::1", "The subscriber of subscription must be a valid URI."),
    ("http://a.example/with space", "The subscriber of subscription must be a valid URI."),
    ("http://a.example:70000/", "The subscriber of subscription must have a port between 1 and "
                                "65535."),
    ("mailto:", "The subscriber of subscription must name a mailbox."),
])
def test_undeliverable_subscriber_is_400_and_creates_nothing(api, kind, subscriber, description):
    name = unique()
    r = api.post(f"/v2/{kind}/{name}/subscriptions", json={"subscriber": subscriber})
    assert assert_error(r, 400) == {"title": "Invalid API request", "description": description}
    assert_missing(api, kind, name)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("header", ["Host", "host", "HOST", "Content-Length",
                                    "Transfer-Encoding", "connection"])
def test_post_headers_may_not_set_the_senders_headers(api, kind, header):
    name = unique()
    doc = {"subscriber": "http://a.example/hook",
           "options": {"post_headers": {"X-Fine": "1", header: "evil.example"}}}
    r = api.post(f"/v2/{kind}/{name}/subscriptions", json=doc)
    body = assert_error(r, 400)
    assert body["description"] == (f"Options post_headers may not set the {header} header: "
                                   "the notifier sets it."), body
    assert_missing(api, kind, name)


@pytest.mark.parametrize("kind", KINDS)
def test_patch_refuses_what_post_refuses_and_changes_nothing(api, kind):
    name = unique()
    url = f"/v2/{kind}/{name}/subscriptions"
    sid = assert_json(api.post(url, json={"subscriber": "http://a.example/hook", "ttl": 600}),
                      201)["subscription_id"]
    before = assert_json(api.get(f"{url}/{sid}"), 200)
    for doc in ({"subscriber": "http://"}, {"subscriber": "http://[::1"},
                {"subscriber": 7}, {"options": {"post_headers": {"Host": "b.example"}}},
                {"ttl": 59}, {"ttl": "600"}, {"ttl": 2 ** 64}):
        assert_error(api.patch(f"{url}/{sid}", json=doc), 400)
    after = assert_json(api.get(f"{url}/{sid}"), 200)
    assert {k: v for k, v in after.items() if k != "age"} == \
        {k: v for k, v in before.items() if k != "age"}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("doc", [
    {"subscriber": "http://a.example", "ttl": None, "options": [1]},
    {"subscriber": "http://a.example", "ttl": True},
    {"subscriber": "http://a.example", "ttl": 59},
    {"subscriber": "http://a.example", "ttl": 2 ** 64},
    {"subscriber": "http://a.example", "options": {"_retry_policy": {"retries_with_no_delay": -1,
                                                                     "minimum_delay": "x"}}},
    {"subscriber": ["http://a.example"]},
    None, [{"subscriber": "http://a.example"}], "http://a.example",
])
def test_bad_subscription_bodies_create_nothing(api, kind, doc):
    name = unique()
    assert_error(send(api, "POST", f"/v2/{kind}/{name}/subscriptions", doc), 400)
    assert_missing(api, kind, name)


# --- claims --------------------------------------------------------------------------------

@pytest.mark.parametrize("doc", [
    None, [], "x", {"ttl": None}, {"ttl": "60"}, {"ttl": True}, {"ttl": 59}, {"ttl": 43201},
    {"grace": None}, {"grace": 59}, {"grace": 43201}, {"ttl": 2 ** 63}, {"grace": -2 ** 64},
])
def test_bad_claim_bodies_claim_nothing(api, queue_name, doc):
    post(api, queue_name, "a")
    assert_error(send(api, "POST", f"/v2/queues/{queue_name}/claims", doc), 400)
    stats = assert_json(api.get(f"/v2/queues/{queue_name}/stats"), 200)["messages"]
    assert (stats["claimed"], stats["free"]) == (0, 1)


@pytest.mark.parametrize("doc", [
    None, "x", {"ttl": None}, {"ttl": "60"}, {"ttl": 59}, {"grace": None}, {"grace": 59},
    {"grace": 43201}, {"grace": 2 ** 63 - 1}, {"ttl": 300, "grace": 2 ** 64},
])
def test_bad_claim_patches_change_nothing(api, queue_name, doc):
    post(api, queue_name, "a")
    cid, _ = claim(api, queue_name, ttl=120, grace=60)
    url = f"/v2/queues/{queue_name}/claims/{cid}"
    assert_error(send(api, "PATCH", url, doc), 400)
    assert assert_json(api.get(url), 200)["ttl"] == 120


def test_claims_on_a_missing_queue_create_nothing(api):
    name = unique()
    assert_error(api.post(f"/v2/queues/{name}/claims", json={"ttl": None}), 400)
    assert_no_content(api.post(f"/v2/queues/{name}/claims", json={"ttl": 60}))
    assert not exists(api, name)


# --- share ---------------------------------------------------------------------------------

def test_bad_share_bodies_are_400_and_create_nothing(make_server):
    srv = make_server(signed_url_secret_key="test-secret")
    api = Api(srv)
    name = unique()
    for doc in (None, [], "x", 1, {"paths": [None]}, {"methods": [None]}, {"expires": 1e300},
                {"expires": 2 ** 64}, {"expires": []}, {"expires": True}):
        assert_error(send(api, "POST", f"/v2/queues/{name}/share", doc), 400)
    assert not exists(api, name)


# --- queue metadata ------------------------------------------------------------------------

@pytest.mark.parametrize("doc", [
    None, [], "x", {"_default_message_ttl": "60"}, {"_default_message_ttl": 59},
    {"_default_message_ttl": True}, {"_max_messages_post_size": 2 ** 64}, {"n": 2 ** 64},
    {"n": -2 ** 63 - 1},
])
@pytest.mark.parametrize("kind", KINDS)
def test_bad_put_metadata_creates_nothing(api, kind, doc):
    name = unique()
    assert_error(send(api, "PUT", f"/v2/{kind}/{name}", doc), 400)
    assert not exists(api, name, kind)


@pytest.mark.parametrize("patch", [
    None, {}, [{"op": "add", "path": "/metadata/_default_message_ttl", "value": "60"}],
    [{"op": "add", "path": "/metadata/_default_message_ttl", "value": 59}],
    [{"op": "add", "path": "/metadata/n", "value": 2 ** 64}],
    [{"op": "add", "path": None, "value": 1}],
])
def test_bad_patch_metadata_changes_nothing(api, queue_name, patch):
    assert_json(api.patch(f"/v2/queues/{queue_name}", headers=PATCH_TYPE,
                          json=[{"op": "add", "path": "/metadata/a", "value": 1}]), 200)
    before = metadata_of(api, queue_name)
    assert_error(send(api, "PATCH", f"/v2/queues/{queue_name}", patch, PATCH_TYPE), 400)
    assert metadata_of(api, queue_name) == before


@pytest.mark.parametrize("kind", KINDS)
def test_patches_cannot_grow_metadata_past_max_queue_metadata(api, kind):
    name = unique()
    assert api.put(f"/v2/{kind}/{name}").status_code == 201

    def add(key):
        doc = [{"op": "add", "path": f"/metadata/{key}", "value": "x" * 60000}]
        return api.patch(f"/v2/{kind}/{name}", headers=PATCH_TYPE, json=doc)

    first = assert_json(add("a"), 200)
    r = add("b")  # each body is under 64 KiB; the result would be 120 KB
    assert assert_error(r, 400) == {"title": "Invalid request body",
                                    "description": "Queue metadata is too large. Max size: 65536"}
    assert assert_json(api.get(f"/v2/{kind}/{name}"), 200) == first


# --- JSON depth and numbers ----------------------------------------------------------------

def test_message_bodies_100_levels_deep_round_trip(api, queue_name):
    body = nested(100, {"deep": True})
    [mid] = post(api, queue_name, body)
    got = assert_json(api.get(f"/v2/queues/{queue_name}/messages/{mid}"), 200)
    assert got["body"] == body
    listed = assert_json(api.get(f"/v2/queues/{queue_name}/messages",
                                 params={"echo": "true"}), 200)
    assert [m["body"] for m in listed["messages"]] == [body]


def test_metadata_100_levels_deep_round_trips(api):
    name = unique()
    deep = nested(100)
    assert api.put(f"/v2/queues/{name}", json={"deep": deep}).status_code == 201
    assert metadata_of(api, name)["deep"] == deep
    listed = assert_json(api.get("/v2/queues", params={"detailed": "true"}), 200)
    assert [q["metadata"]["deep"] for q in listed["queues"]] == [deep]


def test_nesting_deeper_than_128_is_400_naming_the_limit(api):
    name = unique()
    doc = {"messages": [{"body": nested(125)}]}  # the body's innermost array is level 128
    assert api.post(f"/v2/queues/{name}/messages", json=doc).status_code == 201
    other = unique()
    doc = {"messages": [{"body": nested(126)}]}
    r = api.post(f"/v2/queues/{other}/messages", json=doc)
    assert assert_error(r, 400) == {"title": "Invalid request body", "description": TOO_DEEP}
    assert not exists(api, other)


@pytest.mark.parametrize("number", ["18446744073709551616", "9223372036854775808",
                                    "-9223372036854775809", "123456789012345678901234567890"])
def test_integers_beyond_64_bits_are_400_and_post_nothing(api, number):
    name = unique()
    text = '{"messages": [{"body": {"n": [1, %s]}}]}' % number
    r = api.post(f"/v2/queues/{name}/messages", data=text,
                 headers={"Content-Type": "application/json"})
    assert assert_error(r, 400) == {"title": "Invalid request body", "description": TOO_LARGE}
    assert not exists(api, name)


def test_int64_bounds_and_big_decimals_are_kept(api, queue_name):
    text = ('{"messages": [{"body": [9223372036854775807, -9223372036854775808, '
            '1.5e30, 123456789012345678901234567890.0]}]}')
    r = api.post(f"/v2/queues/{queue_name}/messages", data=text,
                 headers={"Content-Type": "application/json"})
    assert r.status_code == 201, r.text
    [m] = assert_json(api.get(f"/v2/queues/{queue_name}/messages",
                              params={"echo": "true"}), 200)["messages"]
    assert m["body"][:2] == [2 ** 63 - 1, -2 ** 63]
    assert m["body"][2:] == [1.5e30, 1.2345678901234568e29]
