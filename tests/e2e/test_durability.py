"""Durability: a 201 means committed. Messages, metadata and claims survive SIGKILL + restart."""

from conftest import Api
from e2e_helpers import assert_json, assert_no_content, claim, list_messages, post, unique


def test_messages_survive_kill(fresh_server):
    api = Api(fresh_server)
    name = unique()
    assert api.put(f"/v2/queues/{name}", json={"owner": "e2e", "_default_message_ttl": 600}
                   ).status_code == 201
    ids = post(api, name, {"n": 1}, "two", [3])

    fresh_server.restart(hard=True)  # SIGKILL, then start on the same database file

    body = list_messages(api, name)
    assert [m["id"] for m in body["messages"]] == ids
    assert [m["body"] for m in body["messages"]] == [{"n": 1}, "two", [3]]
    assert all(m["ttl"] == 600 for m in body["messages"])
    meta = assert_json(api.get(f"/v2/queues/{name}"), 200)
    assert meta["owner"] == "e2e" and meta["_default_message_ttl"] == 600
    assert name in [q["name"] for q in api.get("/v2/queues").json()["queues"]]
    # New posts after the restart keep FIFO order after the old ones.
    ids += post(api, name, "four")
    assert [m["id"] for m in list_messages(api, name)["messages"]] == ids


def test_claim_survives_kill(fresh_server):
    api = Api(fresh_server)
    name = unique()
    ids = post(api, name, "a", "b")
    cid, msgs = claim(api, name, ttl=300, limit=1)
    assert [m["id"] for m in msgs] == ids[:1]

    fresh_server.restart(hard=True)

    got = assert_json(api.get(f"/v2/queues/{name}/claims/{cid}"), 200)
    assert [m["id"] for m in got["messages"]] == ids[:1]
    # Still claimed: a new claim gets only the other message.
    cid2, msgs2 = claim(api, name)
    assert [m["id"] for m in msgs2] == ids[1:]
    assert_no_content(api.delete(f"/v2/queues/{name}/messages/{ids[0]}",
                                 params={"claim_id": cid}))


def test_deletes_survive_graceful_restart(fresh_server):
    api = Api(fresh_server)
    name = unique()
    ids = post(api, name, 1, 2, 3)
    assert_no_content(api.delete(f"/v2/queues/{name}/messages/{ids[0]}"))
    gone = unique()
    post(api, gone, "x")
    assert_no_content(api.delete(f"/v2/queues/{gone}"))

    fresh_server.restart(hard=False)  # SIGTERM, must exit cleanly, then start again

    assert [m["id"] for m in list_messages(api, name)["messages"]] == ids[1:]
    assert gone not in [q["name"] for q in api.get("/v2/queues").json()["queues"]]
    assert list_messages(api, gone)["messages"] == []
