"""CORS with oslo.middleware's semantics and Zaqar's defaults: preflights are answered without
credentials, and responses to an allowed Origin carry Access-Control-* headers."""

import requests

from conftest import REQUEST_TIMEOUT, Api, new_api_key
from e2e_helpers import unique

APP = "https://app.example"
ADMIN = "https://admin.example:8443"
EVIL = "https://evil.example"
KEY = new_api_key("web", "acme", ["member"])


def preflight(server, path, origin, method, headers=None):
    h = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        h["Access-Control-Request-Headers"] = headers
    return requests.options(server.url + path, headers=h, timeout=REQUEST_TIMEOUT)


def test_preflight_needs_no_token_and_follows_the_options(auth_server):
    srv = auth_server([KEY], cors_allowed_origin=f"{APP},{ADMIN}")
    r = preflight(srv, "/v2/queues/q1/messages", APP, "POST", "X-Auth-Token, Client-ID, Content-Type")
    assert r.status_code == 200, r.text
    assert r.content == b""
    assert r.headers["Access-Control-Allow-Origin"] == APP
    assert r.headers["Access-Control-Allow-Methods"] == "POST"
    assert r.headers["Access-Control-Allow-Headers"] == "X-Auth-Token,Client-ID,Content-Type"
    assert r.headers["Access-Control-Allow-Credentials"] == "true"
    assert r.headers["Access-Control-Max-Age"] == "3600"
    assert r.headers["Vary"] == "Origin"
    assert set(r.headers["Allow"].split(", ")) == {"POST", "GET", "DELETE", "OPTIONS"}
    assert "WWW-Authenticate" not in r.headers

    # The second origin, with its port, works the same way.
    assert preflight(srv, "/v2/queues", ADMIN, "GET").headers["Access-Control-Allow-Origin"] == ADMIN


def test_preflight_refusals(auth_server):
    srv = auth_server([KEY], cors_allowed_origin=APP)
    refused = [
        preflight(srv, "/v2/queues", EVIL, "GET"),                        # origin not allowed
        preflight(srv, "/v2/queues", APP, "TRACE"),                       # method not allowed
        preflight(srv, "/v2/queues", APP, "GET", "X-Auth-Token, X-Evil"),  # header not allowed
    ]
    for r in refused:
        assert r.status_code == 200  # oslo answers every preflight with 200...
        assert "Access-Control-Allow-Origin" not in r.headers  # ...but grants nothing


def test_actual_requests_from_allowed_and_other_origins(auth_server):
    srv = auth_server([KEY], cors_allowed_origin=APP)
    api = Api(srv, project_id=KEY.project, token=KEY.key)
    name = unique()
    r = api.put(f"/v2/queues/{name}", headers={"Origin": APP})
    assert r.status_code == 201
    assert r.headers["Access-Control-Allow-Origin"] == APP
    assert r.headers["Access-Control-Allow-Credentials"] == "true"
    assert r.headers["Access-Control-Expose-Headers"] == (
        "X-Auth-Token,X-Subject-Token,X-Service-Token,X-OpenStack-Request-ID")
    assert r.headers["Vary"] == "Origin"

    r = api.get(f"/v2/queues/{name}", headers={"Origin": EVIL})
    assert r.status_code == 200
    assert not any(h.startswith("Access-Control-") for h in r.headers)
    r = api.get(f"/v2/queues/{name}")
    assert not any(h.startswith("Access-Control-") for h in r.headers)

    # A browser must be able to read a 401 too.
    r = requests.get(srv.url + "/v2/queues", headers={"Origin": APP}, timeout=REQUEST_TIMEOUT)
    assert r.status_code == 401
    assert r.headers["Access-Control-Allow-Origin"] == APP


def test_wildcard_origin(make_server):
    srv = make_server(cors_allowed_origin="*", cors_allow_credentials="false", cors_max_age=0)
    r = preflight(srv, "/v2/queues", EVIL, "GET")
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in r.headers
    assert "Access-Control-Max-Age" not in r.headers
    r = Api(srv).get("/v2/queues", headers={"Origin": EVIL})
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "*"


def test_no_cors_headers_by_default(server):
    r = preflight(server, "/v2/queues", APP, "GET")
    assert r.status_code == 200
    assert "Access-Control-Allow-Origin" not in r.headers
    r = Api(server).get("/v2/queues", headers={"Origin": APP})
    assert "Access-Control-Allow-Origin" not in r.headers
