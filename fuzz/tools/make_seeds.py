#!/usr/bin/env python3
"""Writes the seed corpus in fuzz/corpus/ (re-run after editing; file names are stable).

http_request seeds are raw HTTP/1.1 bytes as a Zaqar client sends them, some pipelined;
"$M" / "$C" in a target stand for the last message / claim id the same input got back (see
http_request_fuzzer.cpp). bodies seeds are request bodies, valid and edge cases.
"""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1] / "corpus"
CLIENT = "3381af92-2b9e-11e3-b191-71861300734c"
HEADERS = {"Host": "localhost:8888", "Client-ID": CLIENT, "X-Project-ID": "fuzz-project",
           "Accept": "application/json"}


def req(method, target, body=None, headers=None, version="1.1", content_type="application/json"):
    h = dict(HEADERS)
    if headers is not None:
        h = headers
    lines = [f"{method} {target} HTTP/{version}"]
    data = b""
    if body is not None:
        data = body if isinstance(body, bytes) else (
            body.encode() if isinstance(body, str) else json.dumps(body).encode())
        if content_type:
            h = dict(h, **{"Content-Type": content_type})
        h = dict(h, **{"Content-Length": str(len(data))})
    lines += [f"{k}: {v}" for k, v in h.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


Q = "/v2/queues/fuzzq"
http = {
    "versions": req("GET", "/", headers={"Host": "x"}),
    "home": req("GET", "/v2"),
    "ping": req("GET", "/v2/ping"),
    "ping_head": req("HEAD", "/v2/ping"),
    "health": req("GET", "/v2/health"),
    "health_head": req("HEAD", "/v2/health"),
    "queue_put": req("PUT", Q, {"_default_message_ttl": 3600, "description": "fuzz"}),
    "queue_put_reserved": req("PUT", Q, {"_max_messages_post_size": 1024, "_dead_letter_queue": "dlq",
                                         "_max_claim_count": 2, "_dead_letter_queue_messages_ttl": 120,
                                         "_default_message_delay": 3}),
    "queue_get": req("GET", Q),
    "queue_delete": req("DELETE", Q),
    "queue_list": req("GET", "/v2/queues?limit=5&detailed=true&with_count=true"),
    "queue_list_marker": req("GET", "/v2/queues?marker=a&name=fuzz"),
    "queue_stats": req("GET", Q + "/stats"),
    "queue_patch": req("PATCH", Q, [{"op": "add", "path": "/metadata/color", "value": "red"},
                                    {"op": "replace", "path": "/metadata/_default_message_ttl", "value": 120},
                                    {"op": "remove", "path": "/metadata/color"}],
                       content_type="application/openstack-messaging-v2.0-json-patch"),
    "queue_purge": req("POST", Q + "/purge", {"resource_types": ["messages"]}),
    "messages_post": req("POST", Q + "/messages", {"messages": [{"body": {"event": "x"}, "ttl": 300},
                                                               {"body": "plain", "delay": 0}]}),
    "messages_list": req("GET", Q + "/messages?echo=true&include_claimed=true&limit=10"),
    "messages_ids": req("GET", Q + "/messages?ids=$M,abc"),
    "messages_delete_ids": req("DELETE", Q + "/messages?ids=$M"),
    "messages_pop": req("DELETE", Q + "/messages?pop=2"),
    "message_get": req("GET", Q + "/messages/0000000000000001deadbeef"),
    "message_delete_claim": req("DELETE", Q + "/messages/$M?claim_id=$C"),
    "claim_post": req("POST", Q + "/claims?limit=5", {"ttl": 60, "grace": 60}),
    "claim_post_empty": req("POST", Q + "/claims"),
    "claim_get": req("GET", Q + "/claims/$C"),
    "claim_patch": req("PATCH", Q + "/claims/$C", {"ttl": 120, "grace": 60}),
    "claim_delete": req("DELETE", Q + "/claims/$C"),
    # Pipelined lifecycles: ids flow from one answer into the next request.
    "pipeline_post_get_delete": req("PUT", Q, {}) + req("POST", Q + "/messages", {"messages": [{"body": 1}]})
        + req("GET", Q + "/messages/$M") + req("DELETE", Q + "/messages/$M"),
    "pipeline_claim_cycle": req("POST", Q + "/messages", {"messages": [{"body": [1, 2]}, {"body": None}]})
        + req("POST", Q + "/claims", {"ttl": 60}) + req("GET", Q + "/claims/$C")
        + req("PATCH", Q + "/claims/$C", {"ttl": 90}) + req("DELETE", Q + "/messages/$M?claim_id=$C")
        + req("DELETE", Q + "/claims/$C"),
    # Edge cases of the transport.
    "missing_client_id": req("GET", "/v2/queues", headers={"Host": "x", "X-Project-ID": "p"}),
    "bad_client_id": req("GET", "/v2/queues", headers=dict(HEADERS, **{"Client-ID": "not-a-uuid"})),
    "empty_project": req("GET", "/v2/queues", headers=dict(HEADERS, **{"X-Project-ID": ""})),
    "bad_accept": req("GET", "/v2/queues", headers=dict(HEADERS, Accept="text/html")),
    "form_content_type": req("POST", Q + "/messages", "a=b", content_type="application/x-www-form-urlencoded"),
    "method_not_allowed": req("POST", Q),
    "not_found": req("GET", "/v2/nothing/here"),
    "bad_queue_name": req("PUT", "/v2/queues/bad%20name%2F..", {}),
    "percent_path": req("GET", "/v2/queues/%66uzzq/stats?limit=%31+2"),
    "absolute_form": req("GET", "http://example.com/v2/queues"),
    "asterisk_form": req("OPTIONS", "*"),
    "http10": req("GET", "/v2/ping", version="1.0"),
    "connection_close": req("GET", "/v2/ping", headers=dict(HEADERS, Connection="close")) + req("GET", "/v2"),
    "chunked": (b"POST /v2/queues/fuzzq/messages HTTP/1.1\r\nHost: x\r\nClient-ID: " + CLIENT.encode()
                + b"\r\nX-Project-ID: p\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + b"10\r\n{\"messages\":[{\"b\r\n10\r\nody\":\"chunk\"}]}  \r\n0\r\n\r\n"),
    "bad_json_body": req("POST", Q + "/messages", '{"messages": [ {"body": '),
    "huge_ttl": req("POST", Q + "/messages", '{"messages":[{"body":1,"ttl":18446744073709551615}]}'),
    "float_ttl": req("POST", Q + "/claims", '{"ttl": 60.5, "grace": true}'),
    "truncated_body": req("PUT", Q, {"a": 1})[:-3],
    "garbage": b"\x00\xff GET / HTTP/9.9\r\n\r\n",
}

# Request smuggling (RFC 9112 sections 6-7, 11.2): each is followed by a request that must
# never run, so the differential oracle sees where the server thinks the first one ends.
SMUGGLED = req("DELETE", Q)
CHUNKED_BODY = b"5\r\nhello\r\n0\r\n\r\n"


def framing(name, fields, body=b""):
    head = [f"POST {Q}/messages HTTP/1.1", "Host: x", f"Client-ID: {CLIENT}",
            "X-Project-ID: p"] + fields
    http[name] = ("\r\n".join(head) + "\r\n\r\n").encode() + body + SMUGGLED


framing("te_gzip", ["Transfer-Encoding: gzip"])
framing("te_identity", ["Transfer-Encoding: identity"])
framing("te_chunked_identity", ["Transfer-Encoding: chunked, identity"], CHUNKED_BODY)
framing("te_gzip_chunked", ["Transfer-Encoding: gzip, chunked"], CHUNKED_BODY)
framing("te_two_lines", ["Transfer-Encoding: gzip", "Transfer-Encoding: chunked"], CHUNKED_BODY)
framing("cl_te", ["Content-Length: 4", "Transfer-Encoding: chunked"], CHUNKED_BODY)
framing("te_cl", ["Transfer-Encoding: chunked", "Content-Length: 4"], CHUNKED_BODY)
framing("xchunked_cl", ["Transfer-Encoding: xchunked", "Content-Length: 5"], b"hello")
framing("cl_twice", ["Content-Length: 5", "Content-Length: 6"], b"hello!")
framing("cl_list", ["Content-Length: 5, 5"], b"hello")
framing("chunk_ext", ["Transfer-Encoding: chunked"], b"5;a=b;c\r\nhello\r\n0;x=\"y\"\r\n\r\n")
framing("chunk_bad_size", ["Transfer-Encoding: chunked"], b"5x\r\nhello\r\n0\r\n\r\n")
framing("chunk_overflow", ["Transfer-Encoding: chunked"], b"1ffffffffffffffff5\r\nhello\r\n0\r\n\r\n")
framing("trailers", ["Transfer-Encoding: chunked"],
        b"5\r\nhello\r\n0\r\nX-Roles: admin\r\nX-Auth-Token: t\r\n\r\n")
framing("obs_fold", ["X-A: 1", " X-Roles: admin", "Content-Length: 0"])
framing("bare_cr", ["X-A: 1\r2", "Content-Length: 0"])
http["http2"] = b"GET /v2/ping HTTP/2.0\r\nHost: x\r\n\r\n" + SMUGGLED
http["no_host"] = b"GET /v2/ping HTTP/1.1\r\nClient-ID: " + CLIENT.encode() + b"\r\n\r\n" + SMUGGLED

bodies = {
    "batch": {"messages": [{"body": {"k": [1, 2.5, None, True]}, "ttl": 60, "delay": 0}]},
    "batch_many": {"messages": [{"body": i} for i in range(5)]},
    "batch_missing_body": {"messages": [{"ttl": 60}]},
    "batch_not_array": {"messages": {"body": 1}},
    "batch_bool_ttl": {"messages": [{"body": 1, "ttl": True}]},
    "batch_uint64": '{"messages":[{"body":1,"delay":18446744073709551615}]}',
    "claim": {"ttl": 300, "grace": 60},
    "claim_negative": {"ttl": -1, "grace": -9223372036854775808},
    "purge": {"resource_types": ["messages", "subscriptions"]},
    "purge_bad": {"resource_types": ["queues"]},
    "patch_add": [{"op": "add", "path": "/metadata/key", "value": {"nested": [1]}}],
    "patch_replace_reserved": [{"op": "replace", "path": "/metadata/_default_message_ttl", "value": 60}],
    "patch_remove_missing": [{"op": "remove", "path": "/metadata/nope"}],
    "patch_escapes": [{"op": "add", "path": "/metadata/a~1b~0c", "value": 1}],
    "patch_bad_pointer": [{"op": "add", "path": "metadata//x", "value": 1}],
    "patch_bad_escape": [{"op": "add", "path": "/metadata/~2", "value": 1}],
    "patch_case_root": [{"op": "add", "path": "//METADATA/ k ", "value": 1}],
    "patch_bad_op": [{"op": "move", "path": "/metadata/k"}, {"op": None}],
    "patch_empty": [],
    "metadata_reserved": {"_default_message_ttl": 60, "_max_messages_post_size": 262144,
                          "_max_claim_count": 1, "_dead_letter_queue": "dlq-1",
                          "_dead_letter_queue_messages_ttl": 1209600, "_default_message_delay": 900,
                          "_enable_encrypt_messages": True},
    "metadata_retry_policy": {"_retry_policy": {"retries_with_no_delay": 3, "minimum_delay": 5,
                                                "maximum_delay": 30, "retry_backoff_function": "linear",
                                                "ignore_subscription_override": True}},
    "metadata_out_of_range": {"_default_message_ttl": 59, "_max_messages_post_size": 0,
                              "_max_claim_count": -1},
    "metadata_falsy": {"_default_message_ttl": 0, "_dead_letter_queue": "", "_enable_encrypt_messages": 0},
    "deep": "[" * 40 + "]" * 40,
    "empty": "",
    "not_json": "{'single': 'quotes'}",
    "big_int": '{"ttl": 1e400, "grace": -0}',
}

for name, data in http.items():
    (ROOT / "http_request").mkdir(parents=True, exist_ok=True)
    (ROOT / "http_request" / name).write_bytes(data)
for name, data in bodies.items():
    (ROOT / "bodies").mkdir(parents=True, exist_ok=True)
    raw = data.encode() if isinstance(data, str) else json.dumps(data).encode()
    (ROOT / "bodies" / name).write_bytes(raw)
print(f"seeds: {len(http)} http_request, {len(bodies)} bodies")
