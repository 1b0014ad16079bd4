// Marconi. The argument mapping of the WebSocket steps: a frame's body fields read with the
// HTTP handlers' parsing rules and error wording (codec/query, codec/bodies), since Zaqar's
// endpoints feed the same values to the same validation.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/ws/action_table.hpp"
#include "storage/contract/model.hpp"

namespace marconi::api::ws {

/// The queue the frame's `queue_name` names, in the caller's project, validated as the HTTP
/// handlers validate the path parameter (400 "Invalid queue identification").
core::queue_address queue_arg(const action_context& ctx, const frame& f);

/// A body value as text: strings as they are, anything else serialized.
std::string text_arg(const boost::json::value& v);

/// `name` as a string parameter; nullopt when absent.
std::optional<std::string> string_arg(const boost::json::object& body, std::string_view name);
/// `name` as an integer parameter (400 invalid_parameter as int_param otherwise).
std::optional<std::int64_t> int_arg(const boost::json::object& body, std::string_view name);
/// `name` as a boolean parameter: a JSON boolean, or falcon's words as bool_param reads them.
std::optional<bool> bool_arg(const boost::json::object& body, std::string_view name);
/// `name` as a list parameter: each item's text, split on commas, empty items dropped.
std::optional<std::vector<std::string>> list_arg(const boost::json::object& body,
                                                 std::string_view name);

/// The fields of `body` named in `keys` that are present, as the JSON text of one object:
/// what an HTTP request body would carry, for the codec's body parsers.
std::string body_text(const boost::json::object& body,
                      std::initializer_list<std::string_view> keys);

}  // namespace marconi::api::ws
