// Marconi.
#include "api/codec/subscription_render.hpp"

#include <boost/json/serialize.hpp>

#include "api/codec/render.hpp"
#include "common/json_depth.hpp"

namespace marconi::api {

namespace json = boost::json;

namespace {

void append_string(std::string& out, std::string_view s) { append_json_string(out, s); }

}  // namespace

json::object subscription_object(const core::subscription& s, std::string_view source,
                                 time_point now) {
    return json::object{{"id", s.id.value()},         {"source", source},
                        {"subscriber", s.subscriber}, {"ttl", s.ttl},
                        {"age", s.age(now)},          {"options", parse_own_json(s.options_json)},
                        {"confirmed", s.confirmed}};
}

std::string render_subscription(const core::subscription& s, std::string_view source,
                                time_point now) {
    return json::serialize(subscription_object(s, source, now));
}

std::string render_subscription_page(const std::vector<core::subscription>& page,
                                     std::string_view source, time_point now,
                                     const std::optional<std::string>& next_href) {
    std::string out = "{\"subscriptions\":[";
    for (std::size_t i = 0; i < page.size(); ++i) {
        if (i) out += ',';
        out += render_subscription(page[i], source, now);
    }
    out += "],";
    append_links(out, next_href);
    out += '}';
    return out;
}

std::string render_subscription_created(const core::subscription_id& id) {
    std::string out = "{\"subscription_id\":";
    append_string(out, id.value());
    out += '}';
    return out;
}

}  // namespace marconi::api
