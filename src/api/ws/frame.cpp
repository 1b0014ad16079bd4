// Marconi.
#include "api/ws/frame.hpp"

#include "api/codec/error_mapping.hpp"

namespace marconi::api::ws {

namespace json = boost::json;

frame frame_of(const json::object& payload) {
    frame f;
    f.action = std::string(payload.at("action").get_string());
    if (const auto* h = payload.if_contains("headers"); h && h->is_object()) {
        f.headers = h->get_object();
    }
    if (const auto* b = payload.if_contains("body"); b && b->is_object()) f.body = b->get_object();
    return f;
}

json::object envelope(const json::object& request, const reply& r) {
    json::object echoed;
    const auto* action = request.if_contains("action");
    echoed["action"] = action ? *action : json::value(nullptr);
    const auto* body = request.if_contains("body");
    echoed["body"] = body ? *body : json::value(json::object{});
    const auto* headers = request.if_contains("headers");
    echoed["headers"] = headers && !headers->is_null() ? *headers : json::value(json::object{});
    echoed["api"] = "v2";
    return json::object{{"request", std::move(echoed)},
                        {"headers", json::object{{"status", r.status}}},
                        {"body", r.body}};
}

reply error_reply(unsigned status, std::string_view message) {
    return reply{status, json::object{{"error", message}}};
}

reply error_reply(const error_answer& answer) {
    return reply{answer.status,
                 json::object{{"error", answer.description}, {"exception", answer.title}}};
}

reply text_reply(unsigned status, std::string text) {
    return reply{status, json::string(std::move(text))};
}

std::string text_of(const json::object& fields, std::string_view name) {
    const auto* v = fields.if_contains(name);
    return v && v->is_string() ? std::string(v->get_string()) : std::string{};
}

}  // namespace marconi::api::ws
