"""Pre-signed URLs: POST /v2/queues/Q/share (spec 5.6) and requests carrying URL-Signature
(spec 7), which skip authentication but nothing else. Signatures are checked against Zaqar's own
code (zaqar.common.urls), so a URL signed by either server works on the other."""

import datetime
import hashlib
import hmac
import uuid

import pytest
from zaqar.common import urls as zaqar_urls

from conftest import Api, new_api_key
from e2e_helpers import assert_error, assert_json, unique

SECRET = "e2e-signed-url-secret-" + uuid.uuid4().hex
OWNER = new_api_key("owner", "acme", ["member"])
NOT_AUTHORIZED = {"title": "Not authorized",
                  "description": "You are not authorized to complete this action."}


def in_future(**delta):
    moment = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    return (moment + datetime.timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%S")


def signature_headers(grant, project=None):
    """The headers a holder of a /share answer sends (python-zaqarclient's SignedURLAuth)."""
    return {"URL-Signature": grant["signature"], "URL-Expires": grant["expires"],
            "URL-Methods": ",".join(grant["methods"]), "URL-Paths": ",".join(grant["paths"]),
            "X-Project-ID": project or grant["project"]}


def zaqar_signed(paths, methods, project, expires):
    """A grant signed the way Zaqar signs, without its `expires in the future` check."""
    body = "{}\\n{}\\n{}\\n{}".format(",".join(sorted(paths)), ",".join(sorted(methods)),
                                      project, expires)
    return {"paths": sorted(paths), "methods": sorted(methods), "project": project,
            "expires": expires,
            "signature": hmac.new(SECRET.encode(), body.encode(), hashlib.sha256).hexdigest()}


def holder(server, grant, token=None, project=None):
    """A client holding only the grant: a fresh Client-ID, maybe a (wrong) token."""
    session = Api(server, project_id=project or grant["project"], token=token)
    session.headers.update(signature_headers(grant, project))
    return session


def assert_bare_404(r):
    assert r.status_code == 404, (r.status_code, r.text)
    assert r.content == b""


@pytest.fixture
def keyed_server(make_server):
    """A noauth server with [signed_url] secret_key set."""
    return make_server(signed_url_secret_key=SECRET)


@pytest.fixture
def locked_server(auth_server):
    """An apikeys server with [signed_url] secret_key set: without a valid token, only a
    signature lets a request in."""
    return auth_server([OWNER], signed_url_secret_key=SECRET)


def owner_of(server, queue):
    owner = Api(server, project_id=OWNER.project, token=OWNER.key)
    assert owner.put(f"/v2/queues/{queue}").status_code == 201
    return owner


def test_share_defaults_match_zaqars_signature(keyed_server):
    api = Api(keyed_server)
    name = unique()
    assert api.put(f"/v2/queues/{name}").status_code == 201
    grant = assert_json(api.post(f"/v2/queues/{name}/share", json={}), 200)
    assert list(grant) == ["paths", "methods", "project", "expires", "signature"]
    assert grant["paths"] == [f"/v2/queues/{name}/messages"]
    assert grant["methods"] == ["GET"]
    assert grant["project"] == api.project_id
    expires = datetime.datetime.strptime(grant["expires"], "%Y-%m-%dT%H:%M:%S")
    one_day = datetime.datetime.utcnow() + datetime.timedelta(days=1)
    assert abs((expires - one_day).total_seconds()) < 30
    expected = zaqar_urls.create_signed_url(SECRET, grant["paths"], project=api.project_id,
                                            expires=grant["expires"], methods=["GET"])
    assert grant == expected


def test_share_with_paths_methods_and_expires_in_a_zone(keyed_server):
    api = Api(keyed_server)
    name = unique()
    grant = assert_json(api.post(f"/v2/queues/{name}/share", json={
        "paths": ["subscriptions", "messages", "claims"], "methods": ["POST", "GET", "PATCH"],
        "expires": "2099-06-01T12:30:15.25+02:00"}), 200)
    base = f"/v2/queues/{name}"
    assert grant["paths"] == [f"{base}/claims", f"{base}/messages", f"{base}/subscriptions"]
    assert grant["methods"] == ["GET", "PATCH", "POST"]
    # Normalized to UTC, the fraction dropped: what Zaqar signs.
    assert grant["expires"] == "2099-06-01T10:30:15"
    assert grant == zaqar_urls.create_signed_url(
        SECRET, grant["paths"], project=api.project_id, expires="2099-06-01T12:30:15.25+02:00",
        methods=["POST", "GET", "PATCH"])


@pytest.mark.parametrize("body, description", [
    ({"foo": 1, "paths": ["messages"]}, "Unknown keys: {'foo'}"),
    ({"paths": ["messages", "queues"]}, "Invalid paths: {'queues'}"),
    ({"methods": "GET"}, "`methods` should be a list"),
    ({"expires": 1900000000},
     "`expires` should be date format, for example 2016-01-01T00:00:00, not integer value: "
     "1900000000"),
    ({"expires": "1900000000"},
     "`expires` should be date format, for example 2016-01-01T00:00:00, not integer value: "
     "1900000000"),
    ({"expires": "2000-01-01T00:00:00"}, "`expires` is lower than the current time"),
    ({"expires": "next week"}, "Unable to parse date string 'next week'"),
])
def test_share_refuses_what_zaqar_refuses(keyed_server, body, description):
    api = Api(keyed_server)
    error = assert_error(api.post(f"/v2/queues/{unique()}/share", json=body), 400)
    assert error == {"title": "Invalid API request", "description": description}


def test_share_needs_an_object_body(keyed_server):
    api = Api(keyed_server)
    name = unique()
    error = assert_error(api.post(f"/v2/queues/{name}/share"), 400)
    assert error == {"title": "Invalid request body",
                     "description": "Request body can not be empty"}
    error = assert_error(api.post(f"/v2/queues/{name}/share", json=["messages"]), 400)
    assert error["description"] == "Document type not supported."
    error = assert_error(api.post(f"/v2/queues/bad~name/share", json={}), 400)
    assert error["title"] == "Invalid queue identification"


def test_share_without_a_secret_key_is_400(api):
    """The shared session server has no [signed_url] secret_key."""
    error = assert_error(api.post(f"/v2/queues/{unique()}/share", json={}), 400)
    assert error == {"title": "Invalid API request", "description": "The `key` can't be None"}


def test_signature_lets_a_client_without_a_valid_token_use_the_queue(locked_server):
    name = unique()
    owner = owner_of(locked_server, name)
    grant = assert_json(owner.post(f"/v2/queues/{name}/share",
                                   json={"methods": ["GET", "POST"]}), 200)
    # Without the signature the same client is refused: the server does require tokens.
    anonymous = Api(locked_server, project_id=OWNER.project)
    assert anonymous.get(f"/v2/queues/{name}/messages").status_code == 401

    for token in (None, "not-a-valid-token"):
        signed = holder(locked_server, grant, token=token)
        r = signed.post(f"/v2/queues/{name}/messages", json={"messages": [{"body": token}]})
        assert r.status_code == 201, r.text
    listed = assert_json(holder(locked_server, grant).get(
        f"/v2/queues/{name}/messages", params={"echo": "true"}), 200)
    assert [m["body"] for m in listed["messages"]] == [None, "not-a-valid-token"]
    # A grant on .../messages covers one message below it.
    message_path = listed["messages"][0]["href"]
    assert assert_json(holder(locked_server, grant).get(message_path), 200)["body"] is None
    # The owner sees what the holders posted.
    assert len(assert_json(owner.get(f"/v2/queues/{name}/messages",
                                     params={"echo": "true"}), 200)["messages"]) == 2


def test_every_refused_signature_is_a_bare_404(locked_server):
    name, other = unique(), unique()
    owner = owner_of(locked_server, name)
    owner.put(f"/v2/queues/{other}")
    owner.post(f"/v2/queues/{other}/messages", json={"messages": [{"body": "private"}]})
    grant = assert_json(owner.post(f"/v2/queues/{name}/share", json={}), 200)
    messages = f"/v2/queues/{name}/messages"
    assert holder(locked_server, grant).get(messages).status_code == 200

    # Wrong method: the grant is GET only.
    assert_bare_404(holder(locked_server, grant).post(messages, json={"messages": [{"body": 1}]}))
    assert_bare_404(holder(locked_server, grant).delete(messages, params={"ids": "x"}))
    # Another queue, the queue itself, a look-alike sibling path.
    assert_bare_404(holder(locked_server, grant).get(f"/v2/queues/{other}/messages"))
    assert_bare_404(holder(locked_server, grant).get(f"/v2/queues/{name}"))
    assert_bare_404(holder(locked_server, grant).get(f"/v2/queues/{name}/messagesx"))
    # Tampered signature, widened grant, another project, no project.
    tampered = dict(grant, signature=grant["signature"][::-1])
    assert_bare_404(holder(locked_server, tampered).get(messages))
    widened = dict(grant, methods=["DELETE", "GET"])
    assert_bare_404(holder(locked_server, widened).delete(messages, params={"ids": "x"}))
    widened = dict(grant, paths=grant["paths"] + [f"/v2/queues/{other}/messages"])
    assert_bare_404(holder(locked_server, widened).get(f"/v2/queues/{other}/messages"))
    assert_bare_404(holder(locked_server, grant, project="globex").get(messages))
    no_project = holder(locked_server, grant)
    del no_project.headers["X-Project-ID"]
    assert_bare_404(no_project.get(messages))
    # A valid token does not rescue a bad signature: the signature is checked instead.
    assert_bare_404(holder(locked_server, tampered, token=OWNER.key).get(messages))


def test_expired_signature_is_404(locked_server):
    name = unique()
    owner_of(locked_server, name)
    path = [f"/v2/queues/{name}/messages"]
    live = zaqar_signed(path, ["GET"], OWNER.project, in_future(minutes=5))
    assert holder(locked_server, live).get(path[0]).status_code == 200
    expired = zaqar_signed(path, ["GET"], OWNER.project, in_future(seconds=-2))
    assert_bare_404(holder(locked_server, expired).get(path[0]))


def test_signature_without_a_secret_key_on_the_server_is_404(server):
    grant = zaqar_signed(["/v2/queues/q/messages"], ["GET"], "acme", in_future(hours=1))
    assert_bare_404(holder(server, grant).get("/v2/queues/q/messages"))


def test_header_checks_and_policy_still_apply(auth_server):
    srv = auth_server([OWNER], policy={"messages:get": "role:admin"},
                      signed_url_secret_key=SECRET)
    name = unique()
    owner = owner_of(srv, name)
    owner.post(f"/v2/queues/{name}/messages", json={"messages": [{"body": 1}]})
    grant = assert_json(owner.post(f"/v2/queues/{name}/share", json={}), 200)
    messages = f"/v2/queues/{name}/messages"
    listed = assert_json(holder(srv, grant).get(messages, params={"echo": "true"}), 200)

    no_client = holder(srv, grant)
    del no_client.headers["Client-ID"]
    assert assert_error(no_client.get(messages), 400)["title"] == "Missing header value"

    # A signed request has no roles: X-Roles is not believed, unlike in Zaqar.
    pretender = holder(srv, grant)
    pretender.headers["X-Roles"] = "admin"
    assert assert_error(pretender.get(listed["messages"][0]["href"]), 403) == NOT_AUTHORIZED


def test_zaqarclient_shares_and_uses_a_signed_url(locked_server):
    from zaqarclient.queues import client as zclient
    name = unique()
    owner_conf = {"auth_opts": {"backend": "keystone", "options": {
        "os_auth_token": OWNER.key, "os_project_id": OWNER.project}}}
    owner = zclient.Client(locked_server.url, version=2, conf=owner_conf)
    grant = owner.queue(name, force_create=True).signed_url(
        paths=["messages"], methods=["GET", "POST"], ttl_seconds=600)
    assert grant["paths"] == [f"/v2/queues/{name}/messages"]

    holder_conf = {"auth_opts": {"backend": "signed-url", "options": {
        "expires": grant["expires"], "methods": grant["methods"], "paths": grant["paths"],
        "signature": grant["signature"], "os_project_id": grant["project"]}}}
    signed = zclient.Client(locked_server.url, version=2, conf=holder_conf)
    q = signed.queue(name, auto_create=False)
    q.post([{"body": {"n": 1}}, {"body": {"n": 2}}])
    assert [m.body for m in q.messages(echo=True)] == [{"n": 1}, {"n": 2}]
