"""Assertions and small request helpers shared by the e2e test modules."""

import time
import urllib.parse
import uuid

# Reserved queue metadata with Zaqar 15's defaults, as GET/PATCH fill them in (queues.py).
RESERVED_DEFAULTS = {
    "_max_messages_post_size": 262144,
    "_default_message_ttl": 3600,
    "_default_message_delay": 0,
    "_dead_letter_queue": None,
    "_dead_letter_queue_messages_ttl": None,
    "_max_claim_count": None,
    "_enable_encrypt_messages": False,
}

MESSAGE_KEYS = {"id", "href", "ttl", "age", "body"}


def wait_until(predicate, timeout, what="the condition", pace=0.05):
    """Polls `predicate` until it returns something truthy, and returns that. The timeout only
    turns a hang into a failure (naming `what`); it is never a reason to pass."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        assert time.monotonic() < deadline, f"{what}: not within {timeout:g} s"
        time.sleep(pace)  # polling pace only


def exists(api, name, kind="queues"):
    """Whether the project has this queue (or topic, kind="topics"). A GET of the queue cannot
    tell: a missing one reads as the defaults, as in Zaqar, whose queues are lazy."""
    body = assert_json(api.get(f"/v2/{kind}", params={"name": name, "limit": 20}), 200)
    return name in [source["name"] for source in body[kind]]


def unique(prefix="q"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def media_type(response):
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def assert_json(response, status):
    assert response.status_code == status, (response.status_code, response.text)
    assert media_type(response) == "application/json", response.headers
    return response.json()


def assert_error(response, status):
    """An error response: the status, a JSON content type and Zaqar's {title, description}."""
    assert response.status_code == status, (response.status_code, response.text)
    assert media_type(response) == "application/json", response.headers
    body = response.json()
    assert isinstance(body.get("title"), str) and body["title"], body
    assert isinstance(body.get("description"), str), body
    return body


def assert_no_content(response, status=204):
    assert response.status_code == status, (response.status_code, response.text)
    assert response.content == b"", response.content


def split_href(href):
    """'/v2/x?a=1&b=2' -> ('/v2/x', {'a': '1', 'b': '2'}). Absolute URLs keep only the path."""
    parts = urllib.parse.urlsplit(href)
    return parts.path, dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))


def assert_location(response, path, query=None):
    loc = response.headers.get("Location")
    assert loc, f"no Location header: {response.headers}"
    got_path, got_query = split_href(loc)
    assert got_path == path, loc
    if query is not None:
        assert got_query == query, loc
    return loc


def next_href(body):
    """The `next` link of a listing page, or None. Links are relative paths under /v2/."""
    links = body["links"]
    assert isinstance(links, list), body
    for link in links:
        if link.get("rel") == "next":
            assert link["href"].startswith("/v2/"), link
            return link["href"]
    return None


def id_from_href(href):
    return split_href(href)[0].rsplit("/", 1)[1]


def post(api, queue, *bodies, ttl=None, expect=201):
    """Posts one message per body (one request); returns the new ids in order."""
    messages = []
    for body in bodies:
        m = {"body": body}
        if ttl is not None:
            m["ttl"] = ttl
        messages.append(m)
    r = api.post(f"/v2/queues/{queue}/messages", json={"messages": messages})
    assert r.status_code == expect, r.text
    return [id_from_href(h) for h in r.json()["resources"]]


def list_messages(api, queue, **params):
    params.setdefault("echo", "true")
    r = api.get(f"/v2/queues/{queue}/messages", params=params)
    return assert_json(r, 200)


def claim(api, queue, ttl=300, grace=60, limit=None):
    """Creates a claim; returns (claim_id, messages), or (None, []) on 204."""
    params = {} if limit is None else {"limit": limit}
    r = api.post(f"/v2/queues/{queue}/claims", params=params, json={"ttl": ttl, "grace": grace})
    if r.status_code == 204:
        return None, []
    body = assert_json(r, 201)
    cid = split_href(r.headers["Location"])[0].rsplit("/", 1)[1]
    return cid, body["messages"]
