"""Claims: create, get, update, release, delete-with-claim, dead-letter queues."""

import uuid

import pytest

from e2e_helpers import (MESSAGE_KEYS, assert_error, assert_json, assert_location,
                         assert_no_content, claim, list_messages, post, split_href, unique)


def claims_url(queue):
    return f"/v2/queues/{queue}/claims"


def test_claim_create(api, queue_name):
    ids = post(api, queue_name, "a", "b")
    r = api.post(claims_url(queue_name), json={"ttl": 300, "grace": 60})
    body = assert_json(r, 201)
    loc = r.headers["Location"]
    cid = split_href(loc)[0].rsplit("/", 1)[1]
    assert_location(r, f"{claims_url(queue_name)}/{cid}")
    assert set(body) == {"messages"}
    assert [m["id"] for m in body["messages"]] == ids
    assert [m["body"] for m in body["messages"]] == ["a", "b"]
    for m in body["messages"]:
        assert set(m) == MESSAGE_KEYS
        path, query = split_href(m["href"])
        assert path == f"/v2/queues/{queue_name}/messages/{m['id']}"
        assert query == {"claim_id": cid}
        assert m["ttl"] == 3600
        assert isinstance(m["age"], int)


def test_claim_without_body_uses_defaults(api, queue_name):
    post(api, queue_name, "a")
    r = api.post(claims_url(queue_name))
    assert_json(r, 201)
    cid = split_href(r.headers["Location"])[0].rsplit("/", 1)[1]
    got = assert_json(api.get(f"{claims_url(queue_name)}/{cid}"), 200)
    assert got["ttl"] == 300


def test_claim_nothing_is_204(api, queue_name):
    assert_no_content(api.post(claims_url(queue_name), json={"ttl": 300, "grace": 60}))
    # A queue that does not exist has nothing to claim either.
    assert_no_content(api.post(claims_url(unique()), json={"ttl": 300, "grace": 60}))


def test_claimed_messages_are_not_claimed_again(api, queue_name):
    ids = post(api, queue_name, 1, 2, 3)
    c1, m1 = claim(api, queue_name, limit=2)
    c2, m2 = claim(api, queue_name, limit=2)
    assert [m["id"] for m in m1] == ids[:2]
    assert [m["id"] for m in m2] == ids[2:]
    assert c1 != c2
    assert claim(api, queue_name) == (None, [])


def test_claim_default_limit_is_10(api, queue_name):
    post(api, queue_name, *range(12))
    _, msgs = claim(api, queue_name)
    assert len(msgs) == 10
    _, msgs = claim(api, queue_name, limit=20)
    assert len(msgs) == 2


def test_claim_extends_short_lived_messages(api, queue_name):
    post(api, queue_name, "short", ttl=60)
    cid, msgs = claim(api, queue_name, ttl=300, grace=60)
    # The message would expire before the claim: its ttl becomes claim ttl + grace.
    assert msgs[0]["ttl"] == 360


@pytest.mark.parametrize("params,doc", [
    ({}, {"ttl": 59, "grace": 60}),
    ({}, {"ttl": 43201, "grace": 60}),
    ({}, {"ttl": 300, "grace": 59}),
    ({}, {"ttl": 300, "grace": 43201}),
    ({}, {"ttl": "300", "grace": 60}),
    ({}, {"ttl": 300, "grace": 60.5}),
    ({}, [300]),
    ({"limit": 0}, {"ttl": 300, "grace": 60}),
    ({"limit": 21}, {"ttl": 300, "grace": 60}),
    ({"limit": "x"}, {"ttl": 300, "grace": 60}),
])
def test_claim_invalid(api, queue_name, params, doc):
    post(api, queue_name, "a")
    assert_error(api.post(claims_url(queue_name), params=params, json=doc), 400)
    # Nothing was claimed.
    assert len(list_messages(api, queue_name)["messages"]) == 1


def test_claim_bad_json_is_400(api, queue_name):
    r = api.post(claims_url(queue_name), data="{", headers={"Content-Type": "application/json"})
    assert_error(r, 400)


def test_claim_bounds_accepted(api, queue_name):
    post(api, queue_name, "a", "b")
    assert claim(api, queue_name, ttl=60, grace=60, limit=1)[0]
    assert claim(api, queue_name, ttl=43200, grace=43200, limit=20)[0]


def test_get_claim(api, queue_name):
    ids = post(api, queue_name, "a", "b")
    cid, _ = claim(api, queue_name, ttl=120)
    body = assert_json(api.get(f"{claims_url(queue_name)}/{cid}"), 200)
    assert set(body) == {"age", "ttl", "messages", "href"}
    assert body["ttl"] == 120
    assert isinstance(body["age"], int) and 0 <= body["age"] < 60
    assert body["href"] == f"{claims_url(queue_name)}/{cid}"
    assert [m["id"] for m in body["messages"]] == ids
    for m in body["messages"]:
        assert set(m) == MESSAGE_KEYS
        assert split_href(m["href"])[1] == {"claim_id": cid}


@pytest.mark.parametrize("cid", [uuid.uuid4().hex, "nonsense"])
def test_get_unknown_claim_is_404(api, queue_name, cid):
    assert_error(api.get(f"{claims_url(queue_name)}/{cid}"), 404)


def test_patch_claim(api, queue_name):
    post(api, queue_name, "a")
    cid, _ = claim(api, queue_name, ttl=120)
    url = f"{claims_url(queue_name)}/{cid}"
    assert_no_content(api.patch(url, json={"ttl": 600, "grace": 120}))
    assert api.get(url).json()["ttl"] == 600
    # An omitted field takes its default (ttl 300), not the old value.
    assert_no_content(api.patch(url, json={"grace": 60}))
    assert api.get(url).json()["ttl"] == 300


@pytest.mark.parametrize("doc", [{"ttl": 59}, {"ttl": 43201}, {"ttl": "x"}, [1]])
def test_patch_claim_invalid(api, queue_name, doc):
    post(api, queue_name, "a")
    cid, _ = claim(api, queue_name, ttl=120)
    url = f"{claims_url(queue_name)}/{cid}"
    assert_error(api.patch(url, json=doc), 400)
    assert api.get(url).json()["ttl"] == 120


def test_patch_claim_without_body_is_400(api, queue_name):
    post(api, queue_name, "a")
    cid, _ = claim(api, queue_name)
    r = api.patch(f"{claims_url(queue_name)}/{cid}", data=b"",
                  headers={"Content-Type": "application/json"})
    assert_error(r, 400)


def test_patch_unknown_claim_is_404(api, queue_name):
    r = api.patch(f"{claims_url(queue_name)}/{uuid.uuid4().hex}", json={"ttl": 300, "grace": 60})
    assert_error(r, 404)


def test_delete_claim_releases_messages(api, queue_name):
    ids = post(api, queue_name, "a", "b")
    cid, _ = claim(api, queue_name)
    assert claim(api, queue_name) == (None, [])
    assert_no_content(api.delete(f"{claims_url(queue_name)}/{cid}"))
    assert_error(api.get(f"{claims_url(queue_name)}/{cid}"), 404)
    cid2, msgs = claim(api, queue_name)
    assert cid2 and cid2 != cid
    assert [m["id"] for m in msgs] == ids
    # Unknown and already deleted claims: still 204.
    assert_no_content(api.delete(f"{claims_url(queue_name)}/{cid}"))
    assert_no_content(api.delete(f"{claims_url(queue_name)}/{uuid.uuid4().hex}"))


# --- deleting messages with claims --------------------------------------------------------

def msg_url(queue, mid):
    return f"/v2/queues/{queue}/messages/{mid}"


def test_delete_message_with_its_claim(api, queue_name):
    ids = post(api, queue_name, "a", "b")
    cid, msgs = claim(api, queue_name)
    # The href from the claim response is directly usable.
    assert_no_content(api.delete(msgs[0]["href"]))
    assert_no_content(api.delete(msg_url(queue_name, ids[1]), params={"claim_id": cid}))
    assert list_messages(api, queue_name, include_claimed="true")["messages"] == []
    # The claim is empty now, and still there until its ttl runs out (Zaqar's redis and
    # sqlalchemy drivers; its mongo driver, which reads a claim off its messages, says 404).
    assert assert_json(api.get(f"{claims_url(queue_name)}/{cid}"), 200)["messages"] == []


def test_delete_claimed_message_without_claim_is_403(api, queue_name):
    [mid] = post(api, queue_name, "a")
    claim(api, queue_name)
    assert_error(api.delete(msg_url(queue_name, mid)), 403)
    assert api.get(msg_url(queue_name, mid)).status_code == 200


def test_delete_claimed_message_with_other_claim_is_403(api, queue_name):
    [a, b] = post(api, queue_name, "a", "b")
    c1, _ = claim(api, queue_name, limit=1)
    c2, _ = claim(api, queue_name, limit=1)
    assert_error(api.delete(msg_url(queue_name, a), params={"claim_id": c2}), 403)
    assert_error(api.delete(msg_url(queue_name, b), params={"claim_id": c1}), 403)
    assert api.get(msg_url(queue_name, a)).status_code == 200


def test_delete_claimed_message_with_unknown_claim(api, queue_name):
    [mid] = post(api, queue_name, "a")
    claim(api, queue_name)
    # A claim id this queue does not have: 400 "The specified claim does not exist or has
    # expired." (Zaqar's ClaimDoesNotExist: its redis driver checks that the claim exists
    # before saying 403, its mongo driver cannot even read this id). 403 is for another live
    # claim of this queue (test_delete_claimed_message_with_other_claim_is_403).
    r = api.delete(msg_url(queue_name, mid), params={"claim_id": uuid.uuid4().hex})
    assert assert_error(r, 400)["description"] == (
        "The specified claim does not exist or has expired.")
    assert api.get(msg_url(queue_name, mid)).status_code == 200


def test_delete_unclaimed_message_with_claim_id_is_400(api, queue_name):
    [a, b] = post(api, queue_name, "a", "b")
    cid, _ = claim(api, queue_name, limit=1)  # claims a
    assert_error(api.delete(msg_url(queue_name, b), params={"claim_id": cid}), 400)
    assert_error(api.delete(msg_url(queue_name, b), params={"claim_id": uuid.uuid4().hex}), 400)
    # A released claim no longer protects or authorizes anything.
    assert_no_content(api.delete(f"{claims_url(queue_name)}/{cid}"))
    assert_error(api.delete(msg_url(queue_name, a), params={"claim_id": cid}), 400)
    assert_no_content(api.delete(msg_url(queue_name, a)))


# --- dead-letter queue --------------------------------------------------------------------

def test_dead_letter_queue(api):
    name, dlq = unique(), unique("dlq")
    meta = {"_max_claim_count": 1, "_dead_letter_queue": dlq}
    assert api.put(f"/v2/queues/{name}", json=meta).status_code == 201
    assert api.put(f"/v2/queues/{dlq}").status_code == 201
    [mid] = post(api, name, {"job": 1})

    cid, msgs = claim(api, name)
    assert [m["id"] for m in msgs] == [mid]
    assert_no_content(api.delete(f"{claims_url(name)}/{cid}"))

    # Claimed once already (= _max_claim_count): the next claim moves it to the DLQ instead.
    assert claim(api, name) == (None, [])
    assert list_messages(api, name, include_claimed="true")["messages"] == []
    moved = list_messages(api, dlq, include_claimed="true")["messages"]
    assert [m["body"] for m in moved] == [{"job": 1}]


def test_dead_letter_queue_messages_ttl(api):
    name, dlq = unique(), unique("dlq")
    meta = {"_max_claim_count": 1, "_dead_letter_queue": dlq,
            "_dead_letter_queue_messages_ttl": 7200}
    assert api.put(f"/v2/queues/{name}", json=meta).status_code == 201
    assert api.put(f"/v2/queues/{dlq}").status_code == 201
    post(api, name, "x", ttl=600)
    cid, _ = claim(api, name)
    api.delete(f"{claims_url(name)}/{cid}")
    assert claim(api, name) == (None, [])
    moved = list_messages(api, dlq, include_claimed="true")["messages"]
    assert [m["ttl"] for m in moved] == [7200]
