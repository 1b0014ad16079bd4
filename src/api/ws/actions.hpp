// Marconi. Zaqar's WebSocket actions (spec section 9, zaqar/api/v2): the schema check of a
// decoded frame, the HTTP request each action stands for (so the router serves it exactly as
// it serves HTTP), and the reply body Zaqar's endpoints.py gives for that action. No Beast here.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/http/message.hpp"

namespace marconi::api::ws {

/// A reply before it is framed: the status goes to "headers", the body as is.
struct reply {
    unsigned status = 200;
    boost::json::value body;
};

/// A frame that passed check_frame(): its action, headers and body (an empty object when the
/// frame had none).
struct frame {
    std::string action;
    boost::json::object headers;
    boost::json::object body;
};

/// Zaqar's RequestSchema: an unknown action is 400 "<action> is not a valid action", a frame
/// that does not fit the action's schema 400 "Schema validation failed.". nullopt: valid.
std::optional<reply> check_frame(const boost::json::object& payload);

/// The frame that passed check_frame().
frame frame_of(const boost::json::object& payload);

/// The HTTP request `f` stands for, or the reply when it stands for none (an action Zaqar 15
/// has a schema but no handler for, a path parameter that cannot be one). `subscriber` fills
/// in subscription_create's missing subscriber (the socket's own notification URL).
struct mapped {
    std::optional<api::request> request;
    std::optional<reply> refusal;
};
mapped to_request(const frame& f, std::string_view subscriber = {});

/// The router's answer, reshaped as Zaqar's endpoint for `f.action` answers.
reply to_reply(const frame& f, const api::response& out);

/// `{"request":{"action","body","headers","api":"v2"},"headers":{"status"},"body"}`.
/// `request` is the frame as received (an empty object when it could not be read).
boost::json::object envelope(const boost::json::object& request, const reply& r);

/// The error reply every transport-level refusal uses: `{"error": message}`.
reply error_reply(unsigned status, std::string_view message);

}  // namespace marconi::api::ws
