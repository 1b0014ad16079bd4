"""Topics (spec section 4): /v2/topics[/T[/stats|/purge|/messages[/ID]]]. A topic is a queue
in a namespace of its own, so a queue and a topic of the same name share nothing (unlike Zaqar,
where they share storage)."""

import pytest

from e2e_helpers import assert_error, assert_json, assert_no_content, exists, unique

TOPIC_DEFAULTS = {
    "_max_messages_post_size": 262144,
    "_default_message_ttl": 3600,
    "_default_message_delay": 0,
}
JSON_PATCH = {"Content-Type": "application/openstack-messaging-v2.0-json-patch"}


@pytest.fixture
def topic(api):
    name = unique("t")
    r = api.put(f"/v2/topics/{name}")
    assert r.status_code == 201, r.text
    assert r.headers["Location"].endswith(f"/v2/topics/{name}")
    return name


def test_create_get_and_recreate(api):
    name = unique("t")
    r = api.put(f"/v2/topics/{name}", json={"owner": "e2e", "_default_message_ttl": 120})
    assert r.status_code == 201, r.text
    # Only the three reserved keys a topic has get defaults.
    assert assert_json(api.get(f"/v2/topics/{name}"), 200) == {
        "owner": "e2e", "_default_message_ttl": 120,
        "_max_messages_post_size": 262144, "_default_message_delay": 0}
    # PUT on an existing topic: 204, metadata unchanged (as for queues).
    assert_no_content(api.put(f"/v2/topics/{name}", json={"owner": "other"}))
    assert assert_json(api.get(f"/v2/topics/{name}"), 200)["owner"] == "e2e"


def test_missing_topic_reads_as_the_defaults_and_patch_is_404(api):
    # GET is lazy, as for queues; a PATCH needs the topic to exist.
    assert assert_json(api.get(f"/v2/topics/{unique('t')}"), 200) == TOPIC_DEFAULTS
    patch = [{"op": "add", "path": "/metadata/k", "value": 1}]
    assert_error(api.patch(f"/v2/topics/{unique('t')}", json=patch, headers=JSON_PATCH), 404)


def test_topic_names_are_validated_with_topic_wording(api):
    for bad in ("a b", "x" * 65, "a+b"):
        body = assert_error(api.put(f"/v2/topics/{bad}"), 400)
        assert body == {"title": "Invalid topic identification",
                        "description": "The format of the submitted topic name or project id "
                                       "is not valid."}
    body = assert_error(api.get("/v2/topics/a%20b/messages"), 400)
    assert body["title"] == "Invalid topic identification"


def test_reserved_metadata_is_validated_as_for_queues(api):
    body = assert_error(api.put(f"/v2/topics/{unique('t')}",
                                json={"_default_message_ttl": 10}), 400)
    assert body["title"] == "Invalid API request"


def test_patch(api, topic):
    patch = [{"op": "add", "path": "/metadata/color", "value": "red"},
             {"op": "replace", "path": "/metadata/_default_message_delay", "value": 5}]
    shown = assert_json(api.patch(f"/v2/topics/{topic}", json=patch, headers=JSON_PATCH), 200)
    assert shown == dict(TOPIC_DEFAULTS, color="red", _default_message_delay=5)
    assert assert_json(api.get(f"/v2/topics/{topic}"), 200) == shown
    # A queue-only reserved key is not a topic's: replacing it when absent conflicts.
    patch = [{"op": "replace", "path": "/metadata/_max_claim_count", "value": 3}]
    assert_error(api.patch(f"/v2/topics/{topic}", json=patch, headers=JSON_PATCH), 409)
    body = assert_error(api.patch(f"/v2/topics/{topic}", json=patch), 415)
    assert "Accept-Patch" in body["description"]
    body = assert_error(api.patch(f"/v2/topics/{topic}", data=b"", headers=JSON_PATCH), 400)
    assert body["description"] == "PATCH body could not be empty for update."


def test_list_topics_pages_and_details(api):
    names = sorted(unique("t") for _ in range(3))
    for name in names:
        assert api.put(f"/v2/topics/{name}", json={"n": names.index(name)}).status_code == 201
    page = assert_json(api.get("/v2/topics", params={"limit": 2}), 200)
    assert [t["name"] for t in page["topics"]] == names[:2]
    assert page["topics"][0] == {"name": names[0], "href": f"/v2/topics/{names[0]}"}
    next_href = page["links"][0]["href"]
    assert next_href.startswith("/v2/topics?marker=")
    rest = assert_json(api.get(next_href), 200)
    assert [t["name"] for t in rest["topics"]] == names[2:]
    detailed = assert_json(api.get("/v2/topics", params={"detailed": "true"}), 200)
    assert detailed["topics"][1]["metadata"] == dict(TOPIC_DEFAULTS, n=1)
    filtered = assert_json(api.get("/v2/topics", params={"n": 2}), 200)
    assert [t["name"] for t in filtered["topics"]] == [names[2]]
    # Topics and queues are listed apart.
    assert assert_json(api.get("/v2/queues"), 200)["queues"] == []
    assert api.put(f"/v2/queues/{unique()}").status_code == 201
    assert len(assert_json(api.get("/v2/topics"), 200)["topics"]) == 3


def test_messages_post_list_get_delete(api, topic):
    base = f"/v2/topics/{topic}/messages"
    r = api.post(base, json={"messages": [{"body": {"n": 1}, "ttl": 300}, {"body": "two"}]})
    posted = assert_json(r, 201)
    ids = [href.rsplit("/", 1)[1] for href in posted["resources"]]
    assert posted["resources"] == [f"{base}/{i}" for i in ids]
    assert r.headers["Location"].endswith(f"{base}?ids={','.join(ids)}")

    listed = assert_json(api.get(base, params={"echo": "true"}), 200)
    assert [m["body"] for m in listed["messages"]] == [{"n": 1}, "two"]
    assert [m["href"] for m in listed["messages"]] == [f"{base}/{i}" for i in ids]
    assert [m["ttl"] for m in listed["messages"]] == [300, 3600]
    assert listed["links"][0]["href"].startswith(f"{base}?marker=")

    one = assert_json(api.get(f"{base}/{ids[0]}"), 200)
    assert (one["id"], one["href"], one["body"]) == (ids[0], f"{base}/{ids[0]}", {"n": 1})
    by_ids = assert_json(api.get(base, params={"ids": ",".join(ids)}), 200)
    assert sorted(m["id"] for m in by_ids["messages"]) == sorted(ids)

    assert_no_content(api.delete(f"{base}/{ids[0]}"))
    assert_error(api.get(f"{base}/{ids[0]}"), 404)
    assert_no_content(api.delete(base, params={"ids": ids[1]}))
    body = assert_error(api.get(base, params={"ids": ids[1]}), 404)
    # The client's project, never the internal namespace topics are stored under.
    assert body["description"].endswith(f"for project {api.project_id}.")
    assert "\x1f" not in body["description"]


def test_pop_stats_and_purge(api, topic):
    base = f"/v2/topics/{topic}"
    zeros = {"messages": {"claimed": 0, "free": 0, "total": 0}}
    assert assert_json(api.get(f"{base}/stats"), 200) == zeros
    assert assert_json(api.get(f"/v2/topics/{unique('t')}/stats"), 200) == zeros
    ids = [h.rsplit("/", 1)[1] for h in assert_json(api.post(f"{base}/messages", json={
        "messages": [{"body": i} for i in range(3)]}), 201)["resources"]]
    stats = assert_json(api.get(f"{base}/stats"), 200)["messages"]
    assert (stats["free"], stats["claimed"], stats["total"]) == (3, 0, 3)
    assert stats["oldest"]["href"] == f"{base}/messages/{ids[0]}"
    assert stats["newest"]["href"] == f"{base}/messages/{ids[2]}"

    popped = assert_json(api.delete(f"{base}/messages", params={"pop": 1}), 200)
    assert [m["body"] for m in popped["messages"]] == [0]
    assert_no_content(api.post(f"{base}/purge", json={"resource_types": ["messages"]}))
    assert assert_json(api.get(f"{base}/stats"), 200) == zeros
    body = assert_error(api.post(f"{base}/purge", json={"resource_types": ["claims"]}), 400)
    assert body["title"] == "Invalid API request"


def test_topics_have_no_claims(api, topic):
    r = api.post(f"/v2/topics/{topic}/claims", json={"ttl": 60})
    assert_error(r, 404)


def test_a_queue_and_a_topic_of_the_same_name_share_nothing(api):
    name = unique("same")
    assert api.put(f"/v2/queues/{name}", json={"kind": "queue"}).status_code == 201
    assert api.put(f"/v2/topics/{name}", json={"kind": "topic"}).status_code == 201
    api.post(f"/v2/queues/{name}/messages", json={"messages": [{"body": "for the queue"}]})
    api.post(f"/v2/topics/{name}/messages", json={"messages": [{"body": "for the topic"}]})

    def bodies(kind):
        page = assert_json(api.get(f"/v2/{kind}/{name}/messages", params={"echo": "true"}), 200)
        return [m["body"] for m in page["messages"]]

    assert bodies("queues") == ["for the queue"]
    assert bodies("topics") == ["for the topic"]
    assert assert_json(api.get(f"/v2/queues/{name}"), 200)["kind"] == "queue"
    assert assert_json(api.get(f"/v2/topics/{name}"), 200)["kind"] == "topic"

    # Deleting the topic leaves the queue and its message alone.
    assert_no_content(api.delete(f"/v2/topics/{name}"))
    assert not exists(api, name, "topics")
    assert bodies("queues") == ["for the queue"]
    assert assert_json(api.get(f"/v2/queues/{name}/stats"), 200)["messages"]["total"] == 1


def test_topics_are_per_project(api):
    name = unique("t")
    assert api.put(f"/v2/topics/{name}").status_code == 201
    api.post(f"/v2/topics/{name}/messages", json={"messages": [{"body": 1}]})
    from conftest import Api
    with Api(api.server) as stranger:
        assert assert_json(stranger.get("/v2/topics"), 200)["topics"] == []
        # The owner's topic reads as a missing one: the defaults, none of its metadata.
        assert assert_json(stranger.get(f"/v2/topics/{name}"), 200) == TOPIC_DEFAULTS
        listed = assert_json(stranger.get(f"/v2/topics/{name}/messages",
                                          params={"echo": "true"}), 200)
        assert listed["messages"] == []
