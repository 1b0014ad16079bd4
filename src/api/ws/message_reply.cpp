// Marconi.
#include "api/ws/message_reply.hpp"

#include "api/codec/render.hpp"

namespace marconi::api::ws {

namespace json = boost::json;

json::object format_message(const core::message& m, const json::value& claim_id, time_point now) {
    return json::object{{"id", m.id.value()},
                        {"claim_id", claim_id},
                        {"ttl", m.ttl()},
                        {"age", m.age(now)},
                        {"body", message_body(m)}};
}

json::array format_messages(const std::vector<core::message>& messages, const json::value& claim_id,
                            time_point now) {
    json::array out;
    out.reserve(messages.size());
    for (const auto& m : messages) out.push_back(format_message(m, claim_id, now));
    return out;
}

}  // namespace marconi::api::ws
