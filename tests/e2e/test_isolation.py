"""Tenant isolation: project B can never see or change project A's queues, messages or claims.

X-Project-ID is an opaque string, so 'a' and 'A' (or 'a b' and 'ab') are different projects.
Every test builds the same world: queue `q` exists in project A and in project B, both with
messages, and A holds a live claim on part of its messages. B then tries every route, also
with ids, claim ids and markers copied from A. After each attack A's view must be unchanged.
"""

import http.client
import uuid

import pytest

from conftest import Api, ServerProcess
from e2e_helpers import (RESERVED_DEFAULTS, assert_error, assert_json, assert_no_content, claim,
                         exists, id_from_href, list_messages, next_href, post, split_href,
                         unique)

PATCH_CT = {"Content-Type": "application/openstack-messaging-v2.0-json-patch"}


class World:
    """Project A and project B, each with queue `q`; A holds claim `a_claim` on A's first two."""

    def __init__(self, server, a_project=None, b_project=None):
        tag = uuid.uuid4().hex[:12]
        self.a = Api(server, project_id=a_project or f"iso-a-{tag}")
        self.b = Api(server, project_id=b_project or f"iso-b-{tag}")
        self.q = unique("iso")
        for api, owner in ((self.a, "A"), (self.b, "B")):
            r = api.put(f"/v2/queues/{self.q}", json={"owner": owner, "secret": f"{owner}-{tag}"})
            assert r.status_code == 201, r.text
        self.a_ids = post(self.a, self.q, "a0", "a1", "a2", "a3")
        self.b_ids = post(self.b, self.q, "b0", "b1", "b2")
        self.a_claim, msgs = claim(self.a, self.q, ttl=600, grace=60, limit=2)
        assert [m["id"] for m in msgs] == self.a_ids[:2]
        self.a_claim_before = assert_json(self.a.get(self.claim_url(self.a_claim)), 200)
        self.a_snapshot = self.snapshot_a()

    def messages_url(self, mid=None):
        base = f"/v2/queues/{self.q}/messages"
        return base if mid is None else f"{base}/{mid}"

    def claim_url(self, cid):
        return f"/v2/queues/{self.q}/claims/{cid}"

    def snapshot_a(self):
        """Everything A can observe about its queue: messages (with claim ids), stats, metadata."""
        body = list_messages(self.a, self.q, include_claimed="true", limit=20)
        messages = [(m["id"], m["body"], split_href(m["href"])[1].get("claim_id"))
                    for m in body["messages"]]
        stats = assert_json(self.a.get(f"/v2/queues/{self.q}/stats"), 200)["messages"]
        meta = assert_json(self.a.get(f"/v2/queues/{self.q}"), 200)
        return messages, (stats["total"], stats["claimed"], stats["free"]), meta

    def assert_a_unchanged(self):
        assert self.snapshot_a() == self.a_snapshot
        got = assert_json(self.a.get(self.claim_url(self.a_claim)), 200)
        assert [m["id"] for m in got["messages"]] == self.a_ids[:2]
        assert got["ttl"] == self.a_claim_before["ttl"]
        # A's claim is still A's: its messages are not claimable by a peer of A either.
        peer = self.a.peer()
        cid, msgs = claim(peer, self.q, ttl=60, limit=20)
        assert [m["id"] for m in msgs] == self.a_ids[2:]
        assert_no_content(peer.delete(self.claim_url(cid)))

    def b_ids_listed(self, **params):
        """Every message id B sees in its own `q`, following every next link."""
        params = {"echo": "true", "include_claimed": "true", "limit": 20, **params}
        body = assert_json(self.b.get(self.messages_url(), params=params), 200)
        ids = [m["id"] for m in body["messages"]]
        href = next_href(body)
        while href and body["messages"]:
            body = assert_json(self.b.get(href), 200)
            ids += [m["id"] for m in body["messages"]]
            href = next_href(body)
        return ids


@pytest.fixture
def world(server):
    w = World(server)
    yield w
    w.a.close()
    w.b.close()


# --- messages ----------------------------------------------------------------------------------

def test_get_message_by_id_from_other_project_is_404(world):
    for mid in world.a_ids:
        assert_error(world.b.get(world.messages_url(mid)), 404)
    # B's own ids still work, so the 404s are not an artefact of a broken route.
    assert assert_json(world.b.get(world.messages_url(world.b_ids[0])), 200)["body"] == "b0"
    world.assert_a_unchanged()


def test_get_message_by_id_when_other_project_has_no_such_queue(world):
    stranger = Api(world.a.server)
    for mid in world.a_ids:
        assert_error(stranger.get(world.messages_url(mid)), 404)
    assert_error(stranger.get(world.messages_url(), params={"ids": ",".join(world.a_ids)}), 404)


def test_bulk_get_with_other_projects_ids_is_404(world):
    body = assert_error(world.b.get(world.messages_url(), params={"ids": ",".join(world.a_ids)}),
                        404)
    assert world.a.project_id not in body["description"]
    # Mixed with one of B's ids: only B's message comes back.
    mixed = world.a_ids + [world.b_ids[1]]
    got = assert_json(world.b.get(world.messages_url(), params={"ids": ",".join(mixed)}), 200)
    assert [m["id"] for m in got["messages"]] == [world.b_ids[1]]
    world.assert_a_unchanged()


def test_delete_other_projects_message_ids_has_no_effect(world):
    for mid in world.a_ids:
        assert_no_content(world.b.delete(world.messages_url(mid)))
    world.assert_a_unchanged()
    # B's own messages are untouched too.
    assert world.b_ids_listed() == world.b_ids


def test_bulk_delete_with_other_projects_ids_has_no_effect(world):
    assert_no_content(world.b.delete(world.messages_url(), params={"ids": ",".join(world.a_ids)}))
    world.assert_a_unchanged()
    assert world.b_ids_listed() == world.b_ids
    # Mixed list: only B's id is deleted.
    mixed = world.a_ids + [world.b_ids[0]]
    assert_no_content(world.b.delete(world.messages_url(), params={"ids": ",".join(mixed)}))
    world.assert_a_unchanged()
    assert world.b_ids_listed() == world.b_ids[1:]


def test_pop_takes_only_own_messages(world):
    r = world.b.delete(world.messages_url(), params={"pop": 20})
    popped = assert_json(r, 200)["messages"]
    assert [m["id"] for m in popped] == world.b_ids
    r = world.b.delete(world.messages_url(), params={"pop": 20})
    assert assert_json(r, 200)["messages"] == []
    world.assert_a_unchanged()


def test_delete_other_projects_claimed_message_with_its_claim_has_no_effect(world):
    for mid in world.a_ids[:2]:
        r = world.b.delete(world.messages_url(mid), params={"claim_id": world.a_claim})
        # The message does not exist in B's queue: Zaqar's "missing message" answer.
        assert_no_content(r)
    world.assert_a_unchanged()


def test_other_projects_claim_id_does_not_authorize_own_deletes(world):
    # B's unclaimed message with A's claim id: B has no such claim.
    r = world.b.delete(world.messages_url(world.b_ids[0]), params={"claim_id": world.a_claim})
    assert_error(r, 400)
    # B's message claimed by B, deleted with A's claim id: refused, still there.
    b_claim, msgs = claim(world.b, world.q, ttl=300, limit=1)
    assert [m["id"] for m in msgs] == world.b_ids[:1]
    # A's claim does not exist in B's queue: 400 as for any unknown claim (Zaqar's redis
    # driver checks the claim in the caller's queue), not 403, which would tell B that the id
    # names a live claim somewhere.
    r = world.b.delete(world.messages_url(world.b_ids[0]), params={"claim_id": world.a_claim})
    assert assert_error(r, 400)["description"] == (
        "The specified claim does not exist or has expired.")
    assert world.b_ids_listed() == world.b_ids
    assert_no_content(world.b.delete(world.messages_url(world.b_ids[0]),
                                     params={"claim_id": b_claim}))
    assert world.b_ids_listed() == world.b_ids[1:]
    world.assert_a_unchanged()


def test_bulk_delete_with_other_projects_claim_ids(tmp_path, monkeypatch):
    """With message_delete_with_claim_id on, bulk DELETE needs claim_ids: A's are no use to B."""
    monkeypatch.setenv("MARCONI_TRANSPORT_MESSAGE_DELETE_WITH_CLAIM_ID", "true")
    srv = ServerProcess(tmp_path, tmp_path / "m.db").start()
    try:
        w = World(srv)
        url = w.messages_url()
        # A's claimed ids with A's claim id, sent as B: nothing of A's goes. The ids name no
        # message in B's queue, and claim ids are checked only against the messages found, so
        # 204, as for any missing id (docs/compatibility.md, bulk DELETE).
        r = w.b.delete(url, params={"ids": ",".join(w.a_ids[:2]), "claim_ids": w.a_claim})
        assert_no_content(r)
        # B's own claimed messages with A's claim id: refused, nothing deleted.
        b_claim, msgs = claim(w.b, w.q, ttl=300, limit=2)
        assert [m["id"] for m in msgs] == w.b_ids[:2]
        r = w.b.delete(url, params={"ids": ",".join(w.b_ids[:2]), "claim_ids": w.a_claim})
        assert_error(r, 400)
        assert w.b_ids_listed() == w.b_ids
        # Both claim ids, B's messages: B's claim is enough for B's messages.
        r = w.b.delete(url, params={"ids": ",".join(w.b_ids[:2]),
                                    "claim_ids": f"{w.a_claim},{b_claim}"})
        assert_no_content(r)
        assert w.b_ids_listed() == w.b_ids[2:]
        w.assert_a_unchanged()
    finally:
        srv.stop()


def test_listing_never_shows_other_projects_messages(world):
    # B posted its messages with the Client-ID it lists with: echo=false hides them all.
    for params, expected in (({}, world.b_ids), ({"include_claimed": "false"}, world.b_ids),
                             ({"echo": "false"}, []), ({"limit": 1}, world.b_ids),
                             ({"include_delayed": "true"}, world.b_ids)):
        assert world.b_ids_listed(**params) == expected, params
    assert world.b_ids_listed() == world.b_ids
    world.assert_a_unchanged()


def test_other_projects_marker_reveals_nothing(world):
    # A's markers (from A's next links, claimed and unclaimed listings) used by B.
    markers = []
    for params in ({"limit": 1}, {"limit": 2}, {"limit": 20}, {"limit": 1, "include_claimed": "true"}):
        body = list_messages(world.a, world.q, **params)
        href = next_href(body)
        assert href
        markers.append(split_href(href)[1]["marker"])
    for marker in markers:
        ids = world.b_ids_listed(marker=marker)
        assert set(ids) <= set(world.b_ids), (marker, ids)
        # Following A's exact next link as B: B's queue, B's messages only.
        body = assert_json(world.b.get(world.messages_url(),
                                       params={"marker": marker, "echo": "true",
                                               "include_claimed": "true"}), 200)
        assert not {m["id"] for m in body["messages"]} & set(world.a_ids)
    world.assert_a_unchanged()


# --- claims ------------------------------------------------------------------------------------

def test_get_other_projects_claim_is_404(world):
    assert_error(world.b.get(world.claim_url(world.a_claim)), 404)
    world.assert_a_unchanged()


def test_patch_other_projects_claim_is_404_and_changes_nothing(world):
    r = world.b.patch(world.claim_url(world.a_claim), json={"ttl": 60, "grace": 60})
    assert_error(r, 404)
    world.assert_a_unchanged()


def test_delete_other_projects_claim_changes_nothing(world):
    assert_no_content(world.b.delete(world.claim_url(world.a_claim)))
    world.assert_a_unchanged()


def test_claim_takes_only_own_messages(world):
    cid, msgs = claim(world.b, world.q, ttl=60, limit=20)
    assert [m["id"] for m in msgs] == world.b_ids
    # B's queue is now fully claimed; A still has claimable messages, but B gets none of them.
    assert claim(world.b, world.q, ttl=60, limit=20) == (None, [])
    # A's claim messages listed as B: nothing of A's, and no A claim id leaks.
    body = list_messages(world.b, world.q, include_claimed="true", limit=20)
    # B's claim took all of B's messages: each href carries B's claim id.
    assert [m["id"] for m in body["messages"]] == world.b_ids
    for m in body["messages"]:
        assert split_href(m["href"])[1].get("claim_id") == cid
    world.assert_a_unchanged()


def test_claim_on_queue_missing_in_own_project(world):
    stranger = Api(world.a.server)
    assert claim(stranger, world.q, limit=20) == (None, [])
    assert_error(stranger.get(world.claim_url(world.a_claim)), 404)
    assert_error(stranger.patch(world.claim_url(world.a_claim), json={"ttl": 60}), 404)
    assert_no_content(stranger.delete(world.claim_url(world.a_claim)))
    world.assert_a_unchanged()


# --- queues ------------------------------------------------------------------------------------

def test_stats_count_only_own_messages(world):
    stats = assert_json(world.b.get(f"/v2/queues/{world.q}/stats"), 200)["messages"]
    assert (stats["total"], stats["claimed"], stats["free"]) == (3, 0, 3)
    assert id_from_href(stats["oldest"]["href"]) == world.b_ids[0]
    assert id_from_href(stats["newest"]["href"]) == world.b_ids[-1]
    stranger = Api(world.a.server)
    stats = assert_json(stranger.get(f"/v2/queues/{world.q}/stats"), 200)["messages"]
    assert (stats["total"], stats["claimed"], stats["free"]) == (0, 0, 0)
    world.assert_a_unchanged()


def test_purge_of_own_queue_leaves_other_project_intact(world):
    assert_no_content(world.b.post(f"/v2/queues/{world.q}/purge",
                                     json={"resource_types": ["messages", "subscriptions"]}))
    assert world.b_ids_listed() == []
    world.assert_a_unchanged()
    # A can still finish its work with its claim.
    assert_no_content(world.a.delete(world.messages_url(world.a_ids[0]),
                                     params={"claim_id": world.a_claim}))


def test_delete_of_own_queue_leaves_other_project_intact(world):
    assert_no_content(world.b.delete(f"/v2/queues/{world.q}"))
    assert not exists(world.b, world.q)
    world.assert_a_unchanged()
    assert_no_content(world.a.delete(world.messages_url(world.a_ids[1]),
                                     params={"claim_id": world.a_claim}))
    # B recreating the queue starts empty and does not inherit A's metadata.
    assert world.b.put(f"/v2/queues/{world.q}").status_code == 201
    assert world.b_ids_listed() == []
    meta = assert_json(world.b.get(f"/v2/queues/{world.q}"), 200)
    assert "owner" not in meta and "secret" not in meta


def test_queue_listing_never_shows_other_projects_queues(world):
    only_a = [unique("isoa") for _ in range(3)]
    for name in only_a:
        assert world.a.put(f"/v2/queues/{name}", json={"secret": name}).status_code == 201

    def b_names(**params):
        names, marker = [], None
        while True:
            p = {"limit": 20, **params}
            if marker:
                p["marker"] = marker
            body = assert_json(world.b.get("/v2/queues", params=p), 200)
            if not body["queues"]:
                return names, body
            names += [q["name"] for q in body["queues"]]
            marker = split_href(next_href(body))[1]["marker"]

    names, _ = b_names()
    assert names == [world.q]
    names, _ = b_names(detailed="true")
    assert names == [world.q]
    body = assert_json(world.b.get("/v2/queues", params={"detailed": "true"}), 200)
    assert body["queues"][0]["metadata"]["owner"] == "B"
    for name in only_a:
        assert b_names(name=name)[0] == []
        assert b_names(name=name[:6])[0] == []
        assert b_names(secret=name)[0] == []  # metadata filter with A's value
        # A's queue names as markers: nothing of A's shows up.
        body = assert_json(world.b.get("/v2/queues", params={"marker": name}), 200)
        assert all(q["name"] == world.q for q in body["queues"])
    assert b_names(owner="A")[0] == []
    assert b_names(name=world.q)[0] == [world.q]
    body = assert_json(world.b.get("/v2/queues", params={"with_count": "true"}), 200)
    assert body.get("count") == 1
    # And the other way round.
    a_names = [q["name"] for q in
               assert_json(world.a.get("/v2/queues", params={"limit": 20}), 200)["queues"]]
    assert sorted(a_names) == sorted(only_a + [world.q])


def test_other_projects_queue_metadata_is_invisible(world):
    only_a = unique("isoa")
    assert world.a.put(f"/v2/queues/{only_a}", json={"secret": "s3"}).status_code == 201
    # A's queue reads as a missing one for B: the defaults, not A's metadata.
    assert assert_json(world.b.get(f"/v2/queues/{only_a}"), 200) == RESERVED_DEFAULTS
    r = world.b.patch(f"/v2/queues/{only_a}", headers=PATCH_CT,
                      json=[{"op": "add", "path": "/metadata/secret", "value": "pwned"}])
    assert_error(r, 404)
    # The shared name shows each project its own metadata.
    assert assert_json(world.b.get(f"/v2/queues/{world.q}"), 200)["owner"] == "B"
    r = world.b.patch(f"/v2/queues/{world.q}", headers=PATCH_CT,
                      json=[{"op": "replace", "path": "/metadata/owner", "value": "pwned"}])
    assert assert_json(r, 200)["owner"] == "pwned"
    # PUT by B on A's name creates B's own empty queue; A keeps its metadata.
    assert world.b.put(f"/v2/queues/{only_a}", json={"secret": "b"}).status_code == 201
    assert assert_json(world.a.get(f"/v2/queues/{only_a}"), 200)["secret"] == "s3"
    assert assert_json(world.a.get(f"/v2/queues/{world.q}"), 200)["owner"] == "A"
    world.assert_a_unchanged()


def test_posting_to_same_name_creates_own_queue(world):
    only_a = unique("isoa")
    ids_a = post(world.a, only_a, "secret")
    ids_b = post(world.b, only_a, "mine")
    assert [m["body"] for m in list_messages(world.b, only_a)["messages"]] == ["mine"]
    assert [m["id"] for m in list_messages(world.a, only_a)["messages"]] == ids_a
    assert not set(ids_a) & set(ids_b)


def test_ids_do_not_cross_queues_in_same_project(world):
    other = unique("iso")
    post(world.a, other, "x")
    for mid in world.a_ids:
        assert_error(world.a.get(f"/v2/queues/{other}/messages/{mid}"), 404)
        assert_no_content(world.a.delete(f"/v2/queues/{other}/messages/{mid}"))
    assert_error(world.a.get(f"/v2/queues/{other}/claims/{world.a_claim}"), 404)
    assert_no_content(world.a.delete(f"/v2/queues/{other}/claims/{world.a_claim}"))
    world.assert_a_unchanged()


# --- what counts as the same project -----------------------------------------------------------

@pytest.mark.parametrize("variant", ["upper", "inner-space", "prefix", "suffix", "like-one",
                                     "like-any", "unicode"])
def test_project_id_is_an_opaque_exact_string(server, variant):
    base = f"iso-p-{uuid.uuid4().hex[:8]}"
    # like-*: SQL LIKE wildcards, which must not match A's project if a query ever uses LIKE.
    other = {"upper": base.upper(), "inner-space": base.replace("-", " ", 1),
             "prefix": base[:-1], "suffix": base + "x", "like-one": base[:-1] + "_",
             "like-any": base[:-2] + "%", "unicode": base[:-1] + "\u00e9"}[variant]
    if variant == "unicode":  # sent as raw Latin-1 bytes, as http.client does
        base = base[:-1] + "e"
    w = World(server, a_project=base, b_project=other)
    for mid in w.a_ids:
        assert_error(w.b.get(w.messages_url(mid)), 404)
    assert_error(w.b.get(w.claim_url(w.a_claim)), 404)
    assert w.b_ids_listed() == w.b_ids
    assert assert_json(w.b.get(f"/v2/queues/{w.q}"), 200)["owner"] == "B"
    assert_no_content(w.b.delete(f"/v2/queues/{w.q}"))
    w.assert_a_unchanged()


def send_raw(server, method, path, headers):
    """One request with headers exactly as given (repeats allowed); returns (status, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.putrequest(method, path)
        for name, value in headers:
            conn.putheader(name, value)
        conn.putheader("Content-Length", "0")
        conn.endheaders()
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def test_repeated_project_header_is_refused(server):
    """Two X-Project-ID fields are refused with 400: picking one of them would let a client
    override a project header that an authenticating proxy appends."""
    tag = uuid.uuid4().hex[:8]
    a, b = f"iso-dup-a-{tag}", f"iso-dup-b-{tag}"
    name = unique("iso")
    client = str(uuid.uuid4())
    status, body = send_raw(server, "PUT", f"/v2/queues/{name}",
                            [("Client-ID", client), ("X-Project-ID", a), ("X-Project-ID", b)])
    assert status == 400, (status, body)
    for project in (a, b):
        listed = Api(server, project_id=project).get("/v2/queues").json()["queues"]
        assert name not in [q["name"] for q in listed], f"queue created in project {project!r}"


def test_surrounding_whitespace_is_not_part_of_the_project_id(server):
    """HTTP strips optional whitespace around a field value (RFC 9110 §5.5), so 'p ' is 'p'."""
    base = f"iso-w-{uuid.uuid4().hex[:8]}"
    a = Api(server, project_id=base)
    name = unique("iso")
    ids = post(a, name, "a")
    spaced = Api(server, project_id=base)
    spaced.headers["X-Project-ID"] = base + "  "
    assert [m["id"] for m in list_messages(spaced, name)["messages"]] == ids
    tabbed = Api(server, project_id=base)
    tabbed.headers["X-Project-ID"] = base + "\t"
    assert [m["id"] for m in list_messages(tabbed, name)["messages"]] == ids
