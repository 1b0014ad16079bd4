"""Per-project quotas ([quotas], docs/quotas.md): a project over a count or a rate gets 429 with
Retry-After and a Zaqar error body naming the limit, nothing is written, and other projects
are unaffected. Each test starts its own server with MARCONI_QUOTAS_* settings."""

import json
import uuid

import websocket  # websocket-client

from conftest import Api
from e2e_helpers import assert_error, unique


def assert_refused(response, limit, retry_after):
    """429, Retry-After and a body whose description names the quota key."""
    body = assert_error(response, 429)
    assert response.headers.get("Retry-After") == str(retry_after), response.headers
    assert f"quotas.{limit}" in body["description"], body
    return body


def queue_names(api):
    r = api.get("/v2/queues")
    assert r.status_code == 200, r.text
    return sorted(q["name"] for q in r.json()["queues"])


def total_messages(api, queue):
    r = api.get(f"/v2/queues/{queue}/stats")
    assert r.status_code == 200, r.text
    return r.json()["messages"]["total"]


def post(api, queue, count=1):
    return api.post(f"/v2/queues/{queue}/messages",
                    json={"messages": [{"body": i, "ttl": 300} for i in range(count)]})


def test_queue_count_quota_refuses_the_next_new_queue_only(make_server):
    srv = make_server(quotas_max_queues_per_project=2)
    api = Api(srv)
    first, second = unique(), unique()
    for name in (first, second):
        assert api.put(f"/v2/queues/{name}").status_code == 201
    body = assert_refused(api.put(f"/v2/queues/{unique()}"), "max_queues_per_project", 60)
    assert body["title"] == "Quota exceeded"
    assert queue_names(api) == sorted([first, second])
    # A topic counts as a queue; re-creating an existing queue adds nothing.
    assert_refused(api.put(f"/v2/topics/{unique()}"), "max_queues_per_project", 60)
    assert api.put(f"/v2/queues/{first}").status_code == 204
    # Another project has its own count; a deletion makes room again.
    other = Api(srv)
    assert other.put(f"/v2/queues/{unique()}").status_code == 201
    assert api.delete(f"/v2/queues/{first}").status_code == 204
    assert api.put(f"/v2/queues/{unique()}").status_code == 201


def test_message_count_quota_refuses_a_whole_batch(make_server):
    srv = make_server(quotas_max_messages_per_queue=3)
    api = Api(srv)
    queue = unique()
    assert post(api, queue, 2).status_code == 201
    assert_refused(post(api, queue, 2), "max_messages_per_queue", 60)
    assert total_messages(api, queue) == 2  # nothing of the refused batch
    assert post(api, queue, 1).status_code == 201
    assert_refused(post(api, queue, 1), "max_messages_per_queue", 60)
    # Other queues, and other projects' queues of the same name, have their own count.
    assert post(api, unique(), 3).status_code == 201
    assert post(Api(srv), queue, 3).status_code == 201


def test_post_rate_refuses_beyond_the_burst_with_the_next_token_time(make_server):
    srv = make_server(quotas_posts_per_second=1, quotas_posts_burst=3)
    api = Api(srv)
    queue = unique()
    accepted = 0
    refused = None
    for _ in range(8):  # the burst, then at most a token or two refilled meanwhile
        r = post(api, queue)
        if r.status_code == 429:
            refused = r
            break
        assert r.status_code == 201, r.text
        accepted += 1
    assert refused is not None and accepted >= 3
    body = assert_refused(refused, "posts_per_second", 1)
    assert body["title"] == "Rate limit exceeded"
    assert total_messages(api, queue) == accepted
    # Another project's bucket is full; reads are not limited.
    assert post(Api(srv), queue).status_code == 201
    assert api.get(f"/v2/queues/{queue}/messages?echo=true").status_code == 200


def test_claim_rate_is_limited_per_project(make_server):
    srv = make_server(quotas_claims_per_second=1)
    api = Api(srv)
    queue = unique()
    assert post(api, queue, 5).status_code == 201
    claims = f"/v2/queues/{queue}/claims?limit=1"
    assert api.post(claims, json={"ttl": 60, "grace": 60}).status_code == 201
    assert_refused(api.post(claims, json={"ttl": 60, "grace": 60}), "claims_per_second", 1)
    assert api.get(f"/v2/queues/{queue}/stats").json()["messages"]["claimed"] == 1
    assert post(api, queue).status_code == 201  # posts have a bucket of their own


def test_subscription_quota_counts_per_queue(make_server):
    srv = make_server(quotas_max_subscriptions_per_queue=1)
    api = Api(srv)
    queue = unique()
    subs = f"/v2/queues/{queue}/subscriptions"
    first = api.post(subs, json={"subscriber": "http://example.com/a"})
    assert first.status_code == 201
    assert_refused(api.post(subs, json={"subscriber": "http://example.com/b"}),
                   "max_subscriptions_per_queue", 60)
    # The same subscriber again answers as usual (unconfirmed: 201 with its id), not a quota
    # refusal.
    again = api.post(subs, json={"subscriber": "http://example.com/a"})
    assert again.status_code == 201
    assert again.json()["subscription_id"] == first.json()["subscription_id"]
    listed = api.get(subs).json()["subscriptions"]
    assert [s["subscriber"] for s in listed] == ["http://example.com/a"]
    other_queue = f"/v2/queues/{unique()}/subscriptions"
    assert api.post(other_queue, json={"subscriber": "http://example.com/b"}).status_code == 201


def test_project_override_applies_to_that_project_only(make_server):
    vip = f"vip-{uuid.uuid4().hex[:8]}"
    srv = make_server(config_toml=f"""
[quotas]
max_queues_per_project = 1

[[quotas.project]]
id = "{vip}"
max_queues_per_project = 3
""")
    big = Api(srv, project_id=vip)
    for _ in range(3):
        assert big.put(f"/v2/queues/{unique()}").status_code == 201
    assert_refused(big.put(f"/v2/queues/{unique()}"), "max_queues_per_project", 60)
    small = Api(srv)
    assert small.put(f"/v2/queues/{unique()}").status_code == 201
    assert_refused(small.put(f"/v2/queues/{unique()}"), "max_queues_per_project", 60)


def test_websocket_actions_get_the_same_limits(make_server):
    srv = make_server(quotas_max_queues_per_project=1)
    ws = websocket.create_connection(f"ws://127.0.0.1:{srv.port}/", timeout=10)
    headers = {"Client-ID": str(uuid.uuid4()), "X-Project-ID": f"e2e-{uuid.uuid4().hex[:16]}"}

    def send(action, body):
        ws.send(json.dumps({"action": action, "headers": headers, "body": body}))
        return json.loads(ws.recv())

    try:
        assert send("queue_create", {"queue_name": unique()})["headers"]["status"] == 201
        reply = send("queue_create", {"queue_name": unique()})
        assert reply["headers"]["status"] == 429, reply
        assert "quotas.max_queues_per_project" in json.dumps(reply["body"])
        assert len(send("queue_list", {})["body"]["queues"]) == 1
    finally:
        ws.close()
