"""Subscriptions on queues and topics (spec section 5.5): raw HTTP and python-zaqarclient."""

import uuid

import pytest
from zaqarclient.queues import client as zclient
from zaqarclient.transport import errors as zerrors

from conftest import Api
from e2e_helpers import (assert_error, assert_json, assert_location, assert_no_content, exists,
                         split_href, unique)

SUBSCRIPTION_KEYS = {"id", "source", "subscriber", "ttl", "age", "options", "confirmed"}
SCHEME_ERROR = ("The subscriber type of subscription must be supported in the list "
                "['http', 'https', 'mailto', 'trust+http', 'trust+https'].")

# Every test runs on a queue and on a topic: the same API under /v2/queues and /v2/topics.
KINDS = ["queues", "topics"]


def subs_url(kind, name):
    return f"/v2/{kind}/{name}/subscriptions"


def subscribe(api, kind, name, subscriber, status=201, **fields):
    r = api.post(subs_url(kind, name), json={"subscriber": subscriber, **fields})
    body = assert_json(r, status)
    assert set(body) == {"subscription_id"}, body
    assert_location(r, subs_url(kind, name))
    return body["subscription_id"]


@pytest.mark.parametrize("kind", KINDS)
def test_create_get_and_defaults(api, kind):
    name = unique()
    sid = subscribe(api, kind, name, "http://example.com/hook", ttl=600,
                    options={"post_headers": {"X-A": "1"}})
    got = assert_json(api.get(f"{subs_url(kind, name)}/{sid}"), 200)
    assert set(got) == SUBSCRIPTION_KEYS
    assert got["id"] == sid
    assert got["source"] == name
    assert got["subscriber"] == "http://example.com/hook"
    assert got["ttl"] == 600
    assert isinstance(got["age"], int) and 0 <= got["age"] <= 5
    assert got["options"] == {"post_headers": {"X-A": "1"}}
    # Unconfirmed until confirmed, as Zaqar stores them (notified anyway: confirmation is off).
    assert got["confirmed"] is False

    sid2 = subscribe(api, kind, name, "mailto:ops@example.com?subject=alert")
    got2 = assert_json(api.get(f"{subs_url(kind, name)}/{sid2}"), 200)
    assert (got2["ttl"], got2["options"]) == (3600, {})


def test_creating_a_subscription_creates_its_queue(api):
    name = unique()
    assert not exists(api, name)
    subscribe(api, "queues", name, "https://example.com/a")
    assert exists(api, name)


def test_topic_subscriptions_are_not_the_same_named_queues(api):
    name = unique()
    subscribe(api, "queues", name, "http://example.com/q")
    subscribe(api, "topics", name, "http://example.com/t")
    queue_subs = assert_json(api.get(subs_url("queues", name)), 200)["subscriptions"]
    topic_subs = assert_json(api.get(subs_url("topics", name)), 200)["subscriptions"]
    assert [s["subscriber"] for s in queue_subs] == ["http://example.com/q"]
    assert [s["subscriber"] for s in topic_subs] == ["http://example.com/t"]


@pytest.mark.parametrize("kind", KINDS)
def test_list_pages_in_creation_order_with_next_links(api, kind):
    name = unique()
    subscribers = [f"https://h{i}.example/{9 - i}" for i in range(5)]
    ids = [subscribe(api, kind, name, s) for s in subscribers]

    r = api.get(subs_url(kind, name), params={"limit": 2})
    page = assert_json(r, 200)
    assert set(page) == {"subscriptions", "links"}
    assert [s["id"] for s in page["subscriptions"]] == ids[:2]
    assert all(set(s) == SUBSCRIPTION_KEYS for s in page["subscriptions"])
    assert all(s["source"] == name for s in page["subscriptions"])
    (link,) = page["links"]
    assert link["rel"] == "next"
    path, query = split_href(link["href"])
    assert path == subs_url(kind, name)
    assert query == {"limit": "2", "marker": ids[1]}

    seen = list(page["subscriptions"])
    href = link["href"]
    while True:
        page = assert_json(api.get(href), 200)
        if not page["subscriptions"]:
            assert page["links"] == []
            break
        seen += page["subscriptions"]
        href = page["links"][0]["href"]
    assert [s["subscriber"] for s in seen] == subscribers

    everything = assert_json(api.get(subs_url(kind, name)), 200)
    assert [s["id"] for s in everything["subscriptions"]] == ids
    assert split_href(everything["links"][0]["href"])[1] == {"marker": ids[-1]}
    empty = assert_json(api.get(subs_url(kind, unique())), 200)
    assert empty == {"subscriptions": [], "links": []}


@pytest.mark.parametrize("kind", KINDS)
def test_list_limit_bounds(api, kind):
    name = unique()
    for limit in (0, 21, -1):
        body = assert_error(api.get(subs_url(kind, name), params={"limit": limit}), 400)
        assert body["description"] == "Limit must be at least 1 and may not be greater than 20."
    assert_json(api.get(subs_url(kind, name), params={"limit": 20}), 200)


@pytest.mark.parametrize("kind", KINDS)
def test_duplicate_unconfirmed_subscriber_answers_its_id(api, kind):
    # Zaqar answers a repeated POST with the existing subscription while it is unconfirmed,
    # whether or not confirmation is required; its API tests rely on the 201.
    name = unique()
    sid = subscribe(api, kind, name, "http://example.com/hook")
    assert subscribe(api, kind, name, "http://example.com/hook", ttl=120) == sid
    assert assert_json(api.get(f"{subs_url(kind, name)}/{sid}"), 200)["ttl"] == 3600
    listed = assert_json(api.get(subs_url(kind, name)), 200)["subscriptions"]
    assert [s["id"] for s in listed] == [sid]


@pytest.mark.parametrize("kind", KINDS)
def test_duplicate_confirmed_subscriber_conflicts(api, kind):
    name = unique()
    sid = subscribe(api, kind, name, "http://example.com/hook")
    assert_no_content(api.put(f"{subs_url(kind, name)}/{sid}/confirm", json={"confirmed": True}))
    body = assert_error(api.post(subs_url(kind, name),
                                 json={"subscriber": "http://example.com/hook", "ttl": 120}), 409)
    assert body["description"] == ("Such subscription already exists.Subscriptions are unique "
                                   "by project + queue + subscriber URI.")
    # Another project may subscribe the same URI to its own source of that name.
    with Api(api.server) as other:
        subscribe(other, kind, name, "http://example.com/hook")


@pytest.mark.parametrize("kind", KINDS)
def test_patch_changes_fields(api, kind):
    name = unique()
    url = subs_url(kind, name)
    sid = subscribe(api, kind, name, "http://old.example", ttl=600, options={"a": 1})
    r = api.patch(f"{url}/{sid}", json={"subscriber": "https://new.example", "ttl": 120,
                                        "options": {"b": 2}})
    assert_no_content(r)
    assert_location(r, f"{url}/{sid}")
    got = assert_json(api.get(f"{url}/{sid}"), 200)
    assert (got["subscriber"], got["ttl"], got["options"]) == ("https://new.example", 120, {"b": 2})

    assert_no_content(api.patch(f"{url}/{sid}", json={"ttl": 300}))
    got = assert_json(api.get(f"{url}/{sid}"), 200)
    assert (got["subscriber"], got["ttl"], got["options"]) == ("https://new.example", 300, {"b": 2})
    # The old subscriber is free again.
    subscribe(api, kind, name, "http://old.example")


@pytest.mark.parametrize("kind", KINDS)
def test_patch_errors(api, kind):
    name = unique()
    url = subs_url(kind, name)
    a = subscribe(api, kind, name, "http://a.example")
    subscribe(api, kind, name, "http://b.example")
    body = assert_error(api.patch(f"{url}/{a}", json={"subscriber": "http://b.example"}), 409)
    assert body["title"] == "Resource conflict"
    body = assert_error(api.patch(f"{url}/{a}", json={}), 400)
    assert body["description"] == "No subscription to create."
    body = assert_error(api.patch(f"{url}/{a}", json={"ttl": 59}), 400)
    assert body["description"] == "The TTL for a subscription must be at least 60 seconds long."
    body = assert_error(api.patch(f"{url}/{a}", json={"unknown": 1}), 400)
    assert body == {"title": "Unable to update subscription",
                    "description": f"Subscription {a} could not be updated."}
    missing = "0" * 24
    body = assert_error(api.patch(f"{url}/{missing}", json={"ttl": 100}), 404)
    assert body["description"] == f"Subscription {missing} does not exist"
    assert assert_json(api.get(f"{url}/{a}"), 200)["subscriber"] == "http://a.example"


@pytest.mark.parametrize("kind", KINDS)
def test_create_validation(api, kind):
    url = subs_url(kind, unique())
    cases = [
        ({}, "Missing parameter subscriber in body."),
        ({"ttl": 600}, "Missing parameter subscriber in body."),
        ({"subscriber": "ftp://example.com"}, SCHEME_ERROR),
        ({"subscriber": "example.com"}, SCHEME_ERROR),
        ({"subscriber": "http://a", "options": [1]}, "Options must be a dict."),
        ({"subscriber": "http://a", "ttl": "600"}, "TTL must be an integer."),
        ({"subscriber": "http://a", "ttl": 59}, "The TTL for a subscription must be at least 60 "
                                                "seconds long."),
    ]
    for doc, description in cases:
        body = assert_error(api.post(url, json=doc), 400)
        assert body == {"title": "Invalid API request", "description": description}, doc
    body = assert_error(api.post(url, data=b"", headers={"Content-Type": "application/json"}), 400)
    assert body["description"] == "Missing parameter subscriber in body."
    assert assert_json(api.get(url), 200)["subscriptions"] == []


@pytest.mark.parametrize("kind", KINDS)
def test_delete_is_idempotent_and_get_of_missing_is_404(api, kind):
    name = unique()
    url = subs_url(kind, name)
    sid = subscribe(api, kind, name, "http://a.example")
    assert_no_content(api.delete(f"{url}/{sid}"))
    assert_no_content(api.delete(f"{url}/{sid}"))
    assert_no_content(api.delete(f"{url}/not-an-id"))
    body = assert_error(api.get(f"{url}/{sid}"), 404)
    assert body == {"title": "Not found", "description": f"Subscription {sid} does not exist"}


@pytest.mark.parametrize("kind", KINDS)
def test_confirm(api, kind):
    name = unique()
    url = subs_url(kind, name)
    sid = subscribe(api, kind, name, "http://a.example")
    r = api.put(f"{url}/{sid}/confirm", json={"confirmed": False})
    assert_no_content(r)
    assert_location(r, f"{url}/{sid}/confirm")
    assert assert_json(api.get(f"{url}/{sid}"), 200)["confirmed"] is False
    assert_no_content(api.put(f"{url}/{sid}/confirm", json={"confirmed": True}))
    assert assert_json(api.get(f"{url}/{sid}"), 200)["confirmed"] is True
    for doc in ({}, {"confirmed": "yes"}, {"confirmed": 1}):
        body = assert_error(api.put(f"{url}/{sid}/confirm", json=doc), 400)
        assert body["description"] == "The 'confirmed' should be boolean.", doc
    assert_error(api.put(f"{url}/{'0' * 24}/confirm", json={"confirmed": True}), 404)


@pytest.mark.parametrize("kind", KINDS)
def test_projects_are_isolated(api, kind):
    name = unique()
    url = subs_url(kind, name)
    sid = subscribe(api, kind, name, "http://a.example")
    with Api(api.server) as other:
        assert assert_json(other.get(url), 200)["subscriptions"] == []
        assert_error(other.get(f"{url}/{sid}"), 404)
        assert_error(other.patch(f"{url}/{sid}", json={"ttl": 100}), 404)
        assert_error(other.put(f"{url}/{sid}/confirm", json={"confirmed": False}), 404)
        assert_no_content(other.delete(f"{url}/{sid}"))
    got = assert_json(api.get(f"{url}/{sid}"), 200)
    assert (got["ttl"], got["confirmed"]) == (3600, False)


def test_queue_purge_deletes_subscriptions_when_asked(api):
    name = unique()
    url = subs_url("queues", name)
    for i in range(12):  # more than Zaqar's one page of ten
        subscribe(api, "queues", name, f"http://h{i}.example")
    api.post(f"/v2/queues/{name}/messages", json={"messages": [{"body": 1}]})
    assert_no_content(api.post(f"/v2/queues/{name}/purge", json={"resource_types": ["messages"]}))
    assert len(assert_json(api.get(url, params={"limit": 20}), 200)["subscriptions"]) == 12
    assert_no_content(api.post(f"/v2/queues/{name}/purge",
                               json={"resource_types": ["subscriptions"]}))
    assert assert_json(api.get(url), 200)["subscriptions"] == []
    subscribe(api, "queues", name, "http://again.example")
    assert_no_content(api.post(f"/v2/queues/{name}/purge"))
    assert assert_json(api.get(url), 200)["subscriptions"] == []


def test_invalid_names(api):
    body = assert_error(api.get("/v2/topics/bad%20name/subscriptions"), 400)
    assert body == {"title": "Invalid topic identification",
                    "description": "The format of the submitted topic name or project id is not "
                                   "valid."}
    body = assert_error(api.post("/v2/queues/bad%20name/subscriptions",
                                 json={"subscriber": "http://a"}), 400)
    assert body["title"] == "Invalid queue identification"


@pytest.mark.parametrize("kind", KINDS)
def test_require_confirmation(make_server, kind):
    srv = make_server(notification_require_confirmation="true")
    with Api(srv) as api:
        name = unique()
        url = subs_url(kind, name)
        sid = subscribe(api, kind, name, "http://a.example")
        assert assert_json(api.get(f"{url}/{sid}"), 200)["confirmed"] is False
        # Unconfirmed: subscribing again answers 201 with the same id (Zaqar re-sends the
        # confirmation request).
        assert subscribe(api, kind, name, "http://a.example") == sid
        assert_no_content(api.put(f"{url}/{sid}/confirm", json={"confirmed": True}))
        assert_error(api.post(url, json={"subscriber": "http://a.example"}), 409)


# --- python-zaqarclient (v2 has subscriptions on queues only) ---------------------------------

@pytest.fixture
def zaqar(server):
    project = f"zc-{uuid.uuid4().hex[:12]}"
    conf = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": project}}}
    return zclient.Client(server.url, version=2, conf=conf)


def test_zaqarclient_subscriptions(zaqar):
    name = unique()
    sub = zaqar.subscription(name, subscriber="http://example.com/hook", ttl=600,
                             options={"k": "v"})
    assert sub.id
    assert (sub.subscriber, sub.ttl, sub.options, sub.confirmed) == (
        "http://example.com/hook", 600, {"k": "v"}, False)
    other = zaqar.subscription(name, subscriber="mailto:a@example.com", ttl=3600)

    q = zaqar.queue(name, auto_create=False)
    listed = list(q.subscriptions())
    assert [s.id for s in listed] == [sub.id, other.id]
    assert [s.queue_name for s in listed] == [name, name]
    assert listed[0].subscriber == "http://example.com/hook"
    # A streaming iterator follows next links until an empty page.
    assert [s.id for s in zaqar.subscriptions(name, limit=1)] == [sub.id]
    assert [s.id for s in zaqar.subscriptions(name, limit=1).stream()] == [sub.id, other.id]

    sub.update({"ttl": 1200, "options": {"k": "w"}})
    fresh = zaqar.subscription(name, id=sub.id)
    assert (fresh.ttl, fresh.options) == (1200, {"k": "w"})

    # Unconfirmed, subscribing again gives the same subscription back (Zaqar's 201; the 409
    # once confirmed is test_duplicate_confirmed_subscriber_conflicts).
    assert zaqar.subscription(name, subscriber="http://example.com/hook", ttl=600).id == sub.id

    other.delete()
    assert [s.id for s in q.subscriptions()] == [sub.id]
    sub.delete()
    assert list(q.subscriptions()) == []
    with pytest.raises(zerrors.ResourceNotFound):
        zaqar.subscription(name, id=sub.id)
