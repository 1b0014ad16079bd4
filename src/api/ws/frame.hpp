// Marconi. A Zaqar WebSocket frame as the action table reads it, the reply before it is
// framed, and Zaqar's envelope around it. No Beast here.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "api/codec/error_mapping.hpp"

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

/// The frame that passed check_frame().
frame frame_of(const boost::json::object& payload);

/// `{"request":{"action","body","headers","api":"v2"},"headers":{"status"},"body"}`.
/// `request` is the frame as received (an empty object when it could not be read).
boost::json::object envelope(const boost::json::object& request, const reply& r);

/// The error reply every transport-level refusal uses: `{"error": message}`.
reply error_reply(unsigned status, std::string_view message);

/// A domain or transport error as HTTP maps it (api::to_http): its status, and
/// `{"error": description, "exception": title}`.
reply error_reply(const error_answer& answer);

/// A reply whose body is one sentence, as Zaqar's endpoints answer deletes and updates.
reply text_reply(unsigned status, std::string text);

/// The text of a header or body field; empty when absent or not a string.
std::string text_of(const boost::json::object& fields, std::string_view name);

}  // namespace marconi::api::ws
