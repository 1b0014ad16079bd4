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

/// `{"messages":[{"body":..., "ttl":int?, "delay":int?}, ...]}`.
std::vector<core::message_input> parse_message_batch(std::string_view body);

struct claim_body {
    std::optional<std::int64_t> ttl;
    std::optional<std::int64_t> grace;
};

/// `{"ttl":int?, "grace":int?}`; an empty body is allowed when `optional_body`.
claim_body parse_claim_body(std::string_view body, bool optional_body);

/// `{"resource_types":["messages","subscriptions"]}`; empty body means both.
std::vector<std::string> parse_purge_body(std::string_view body);

}  // namespace marconi::api
