"""A scenario driven by the real python-zaqarclient (v2, noauth), as an operator would use it."""

import uuid

import pytest
from zaqarclient.queues import client as zclient
from zaqarclient.transport import errors as zerrors

from e2e_helpers import unique


def noauth_client(server, version):
    """A python-zaqarclient of API `version` for a project of its own (noauth)."""
    project = f"zc-{uuid.uuid4().hex[:12]}"
    conf = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": project}}}
    # Client-ID defaults to uuid4 without dashes (conf["client_uuid"] would override it).
    return zclient.Client(server.url, version=version, conf=conf)


@pytest.fixture
def zaqar(server):
    return noauth_client(server, 2)


def test_zaqarclient_work_queue_scenario(zaqar):
    name = unique()
    q = zaqar.queue(name, force_create=True)

    q.metadata(new_meta={"owner": "e2e", "_default_message_ttl": 600})
    meta = q.metadata(force_reload=True)
    assert meta["owner"] == "e2e"
    assert meta["_default_message_ttl"] == 600

    q.post([{"body": {"job": i}} for i in range(3)])
    q.post({"body": "single", "ttl": 120})

    listed = list(q.messages(echo=True))
    assert [m.body for m in listed] == [{"job": 0}, {"job": 1}, {"job": 2}, "single"]
    assert [m.ttl for m in listed] == [600, 600, 600, 120]
    # echo defaults to false: the client's own messages are hidden.
    assert list(q.messages()) == []

    one = q.message(listed[0].id)
    assert one.body == {"job": 0}
    assert {m.id for m in q.messages(listed[1].id, listed[2].id)} == {listed[1].id, listed[2].id}

    claim = q.claim(ttl=300, grace=60, limit=2)
    claimed = list(claim)
    assert [m.body for m in claimed] == [{"job": 0}, {"job": 1}]
    assert claim.id and all(m.claim_id == claim.id for m in claimed)
    stats = q.stats["messages"]
    assert (stats["claimed"], stats["free"], stats["total"]) == (2, 2, 4)

    for m in claimed:
        m.delete()  # DELETE ...?claim_id=

    stats = q.stats["messages"]
    assert (stats["claimed"], stats["free"], stats["total"]) == (0, 2, 4 - 2)

    popped = list(q.pop(count=1))
    assert [m.body for m in popped] == [{"job": 2}]
    q.delete_messages(*[m.id for m in q.messages(echo=True)])
    assert q.stats["messages"]["total"] == 0

    q.delete()
    names = [x.name for x in zaqar.queues()[0]]
    assert name not in names


def test_zaqarclient_claim_update_and_release(zaqar):
    q = zaqar.queue(unique(), force_create=True)
    q.post([{"body": i} for i in range(2)])
    claim = q.claim(ttl=120, grace=60)
    assert len(list(claim)) == 2
    claim.update(ttl=600, grace=60)
    again = zaqar.queue(q.name, auto_create=False).claim(id=claim.id)
    assert again.ttl == 600
    claim.delete()
    assert len(list(q.claim(ttl=120, grace=60))) == 2


def test_zaqarclient_queue_listing_pages(zaqar):
    names = sorted(unique() for _ in range(5))
    for n in names:
        zaqar.queue(n, force_create=True)
    # A streaming iterator follows the `next` links (relative /v2/ hrefs) page by page.
    listed, count = zaqar.queues(limit=2, with_count=True)
    assert [x.name for x in listed.stream()] == names
    assert count == 5


def test_zaqarclient_errors(zaqar):
    q = zaqar.queue(unique(), force_create=True)
    with pytest.raises(zerrors.ResourceNotFound):
        q.message(uuid.uuid4().hex)
    with pytest.raises(zerrors.MalformedRequest):
        q.post({"body": 1, "ttl": 10})
    assert zaqar.ping() is True
    # health:get is admin-only, and a noauth client sends no X-Roles (test_auth.py has an admin
    # key calling it).
    with pytest.raises(zerrors.ForbiddenError):
        zaqar.health()


def test_zaqarclient_v1_1_work_queue_scenario(server):
    # The shared server serves v1 and v1.1 beside v2 (conftest).
    zaqar = noauth_client(server, 1.1)
    name = unique()
    q = zaqar.queue(name, force_create=True)
    # v1.1 reads metadata as stored: none was given.
    assert q.metadata(force_reload=True) == {}

    q.post([{"body": {"job": i}, "ttl": 300} for i in range(3)])
    listed = list(q.messages(echo=True))
    assert [m.body for m in listed] == [{"job": 0}, {"job": 1}, {"job": 2}]
    assert q.message(listed[0]._id).body == {"job": 0}  # the v1 client keeps ids private

    claim = q.claim(ttl=300, grace=60, limit=2)
    claimed = list(claim)
    assert [m.body for m in claimed] == [{"job": 0}, {"job": 1}]
    claim.update(ttl=600, grace=60)
    assert zaqar.queue(name, auto_create=False).claim(id=claim.id).ttl == 600
    for m in claimed:
        m.delete()
    stats = q.stats["messages"]
    assert (stats["claimed"], stats["free"], stats["total"]) == (0, 1, 1)

    assert [m.body for m in q.pop(count=1)] == [{"job": 2}]
    assert q.stats["messages"]["total"] == 0
    assert name in [x.name for x in zaqar.queues()]
    q.delete()
    assert name not in [x.name for x in zaqar.queues()]


def test_zaqarclient_v1_scenario(server):
    zaqar = noauth_client(server, 1)
    name = unique()
    q = zaqar.queue(name)  # v1 creates the queue at once
    assert q.exists()
    q.metadata(new_meta={"owner": "v1"})
    assert q.metadata(force_reload=True) == {"owner": "v1"}

    q.post([{"body": {"job": i}, "ttl": 300} for i in range(3)])
    listed = list(q.messages(echo=True))
    assert [m.body for m in listed] == [{"job": 0}, {"job": 1}, {"job": 2}]

    claim = q.claim(ttl=300, grace=60, limit=2)
    claimed = list(claim)
    assert [m.body for m in claimed] == [{"job": 0}, {"job": 1}]
    for m in claimed:
        m.delete()
    stats = q.stats["messages"]
    assert (stats["claimed"], stats["free"], stats["total"]) == (0, 1, 1)
    assert name in [x.name for x in zaqar.queues()]
    q.delete()
    assert not q.exists()
