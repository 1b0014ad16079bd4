// Marconi. Beast HTTP messages <-> the transport-neutral api::request / api::response. Shared by
// the listener and the HTTP fuzz target, so the fuzzer exercises the server's own conversion.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>

#include "api/http/message.hpp"

namespace marconi::api {

using beast_request = boost::beast::http::request<boost::beast::http::string_body>;
using beast_response = boost::beast::http::response<boost::beast::http::string_body>;

method to_method(boost::beast::http::verb verb);

/// Beast request -> api::request (path decoded, query split, headers and body moved).
/// Throws core::error{invalid_request} for a target that is not in origin form.
request to_request(beast_request&& in);

/// api::response -> Beast response with Server, Content-Type and Content-Length set; `head`
/// drops the body (HEAD answers carry the headers only).
beast_response to_beast(response&& in, unsigned version, bool keep_alive, bool head);

}  // namespace marconi::api
