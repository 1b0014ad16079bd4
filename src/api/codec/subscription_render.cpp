// Marconi.
#include "api/codec/subscription_render.hpp"

#include "api/codec/render.hpp"

namespace marconi::api {

namespace {

void append_string(std::string& out, std::string_view s) { append_json_string(out, s); }

void append_subscription(std::string& out, const core::subscription& s, std::string_view source,
                         time_point now) {
    out += "{\"id\":";
    append_string(out, s.id.value());
    out += ",\"source\":";
    append_string(out, source);
    out += ",\"subscriber\":";
    append_string(out, s.subscriber);
    out += ",\"ttl\":";
    out += std::to_string(s.ttl);
    out += ",\"age\":";
    out += std::to_string(s.age(now));
    out += ",\"options\":";
    out += s.options_json;
    out += ",\"confirmed\":";
    out += s.confirmed ? "true" : "false";
    out += '}';
}

}  // namespace

std::string render_subscription(const core::subscription& s, std::string_view source,
                                time_point now) {
    std::string out;
    append_subscription(out, s, source, now);
    return out;
}

std::string render_subscription_page(const std::vector<core::subscription>& page,
                                     std::string_view source, time_point now,
                                     const std::optional<std::string>& next_href) {
    std::string out = "{\"subscriptions\":[";
    for (std::size_t i = 0; i < page.size(); ++i) {
        if (i) out += ',';
        append_subscription(out, page[i], source, now);
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
