// Marconi.
#include "api/ws/action_args.hpp"

#include <boost/json/serialize.hpp>

#include "api/codec/query.hpp"
#include "core/validation.hpp"

namespace marconi::api::ws {

namespace json = boost::json;

core::queue_address queue_arg(const action_context& ctx, const frame& f) {
    const auto name = text_of(f.body, "queue_name");
    core::validate_queue_name(name, ctx.project.value());
    return core::queue_address{ctx.project, core::queue_name{name}};
}

std::string text_arg(const json::value& v) {
    if (v.is_string()) return std::string(v.get_string());
    return json::serialize(v);
}

std::optional<std::string> string_arg(const json::object& body, std::string_view name) {
    const auto* v = body.if_contains(name);
    if (!v) return std::nullopt;
    return text_arg(*v);
}

std::optional<std::int64_t> int_arg(const json::object& body, std::string_view name) {
    const auto* v = body.if_contains(name);
    if (!v) return std::nullopt;
    if (v->is_int64()) return v->get_int64();
    return int_value(name, text_arg(*v));
}

std::optional<bool> bool_arg(const json::object& body, std::string_view name) {
    const auto* v = body.if_contains(name);
    if (!v) return std::nullopt;
    if (v->is_bool()) return v->get_bool();
    return bool_value(name, text_arg(*v));
}

std::optional<std::vector<std::string>> list_arg(const json::object& body, std::string_view name) {
    const auto* v = body.if_contains(name);
    if (!v) return std::nullopt;
    std::vector<std::string> items;
    if (v->is_array()) {
        for (const auto& item : v->get_array()) append_list_items(text_arg(item), items);
    } else {
        append_list_items(text_arg(*v), items);
    }
    return items;
}

std::string body_text(const json::object& body, std::initializer_list<std::string_view> keys) {
    json::object subset;
    for (auto key : keys) {
        if (const auto* v = body.if_contains(key)) subset[key] = *v;
    }
    return json::serialize(subset);
}

}  // namespace marconi::api::ws
