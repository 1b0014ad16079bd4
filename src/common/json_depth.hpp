// Marconi. How deep JSON may nest: a limit for what clients send, and a little more for our own
// documents, which embed a client's a few levels down.
#pragma once

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <string_view>

namespace marconi {

/// Levels of arrays and objects a client's JSON document (a request body, a WebSocket frame's
/// body) may nest (docs/compatibility.md). Boost.JSON's default, 32, was too few.
inline constexpr std::size_t max_json_depth = 128;

/// Our own documents put a client's a few levels down (a notification job, a WebSocket reply
/// listing messages), so reading them back allows this much.
inline constexpr std::size_t max_own_json_depth = max_json_depth + 16;

inline boost::json::parse_options own_json_options() {
    boost::json::parse_options options;
    options.max_depth = max_own_json_depth;
    return options;
}

/// Parses JSON this service wrote (stored metadata, jobs, replies): whatever was accepted
/// from a client parses again.
inline boost::json::value parse_own_json(std::string_view text, boost::system::error_code& ec) {
    return boost::json::parse(text, ec, {}, own_json_options());
}

/// The same, throwing boost::system::system_error on failure.
inline boost::json::value parse_own_json(std::string_view text) {
    return boost::json::parse(text, {}, own_json_options());
}

}  // namespace marconi
