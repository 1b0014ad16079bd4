// Marconi. Request bodies -> core types, with Zaqar's checks and wording (transport/wsgi/utils.py).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/services.hpp"

namespace marconi::api {

/// Parses a JSON body. Empty: "Request body can not be empty"; malformed: "Request body could
/// not be parsed."; both error{invalid_body}.
boost::json::value parse_json(std::string_view body);

/// The body as a JSON object, or error{invalid_body} "Document type not supported.".
boost::json::object parse_json_object(std::string_view body);

/// Queue (or topic) metadata as a PUT sends it: {} when empty, else size-checked against
/// `limits` (error{invalid_request}) and a JSON object.
boost::json::object parse_queue_metadata(std::string_view body, const core::limits& limits);

/// `{"messages":[{"body":..., "ttl":int?, "delay":int?}, ...]}`; without `with_delay` a
/// `delay` field is ignored, as v1.1 ignores it.
std::vector<core::message_input> parse_message_batch(std::string_view body, bool with_delay = true);

/// v1.0's message post: a bare array of `{"ttl":int, "body":...}`, both fields required.
std::vector<core::message_input> parse_v1_message_array(std::string_view body);

struct claim_body {
    std::optional<std::int64_t> ttl;
    std::optional<std::int64_t> grace;
};

/// `{"ttl":int?, "grace":int?}`; an empty body is allowed when `optional_body`.
claim_body parse_claim_body(std::string_view body, bool optional_body);

/// v1.0's claim bodies: `{"ttl":int, "grace":int}`; a POST needs both, a PATCH needs the
/// ttl. (Zaqar's PATCH defaults grace to 0, below the 60 s the core allows, so an omitted
/// grace takes the default claim grace as in v2.)
enum class v1_claim_request { create, update };
claim_body parse_v1_claim_body(std::string_view body, v1_claim_request kind);

/// `{"resource_types":["messages","subscriptions"]}`; empty body means both.
std::vector<std::string> parse_purge_body(std::string_view body);

}  // namespace marconi::api
