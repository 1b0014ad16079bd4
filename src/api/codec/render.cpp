// Marconi.
#include "api/codec/render.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>

#include "common/json_depth.hpp"

namespace marconi::api {

namespace json = boost::json;

void append_json_string(std::string& out, std::string_view s) {
    out += boost::json::serialize(boost::json::string_view(s));
}

void append_links(std::string& out, const std::optional<std::string>& next_href) {
    out += "\"links\":[";
    if (next_href) {
        out += "{\"rel\":\"next\",\"href\":";
        append_json_string(out, *next_href);
        out += '}';
    }
    out += ']';
}

namespace {

void append_string(std::string& out, std::string_view s) { append_json_string(out, s); }

void append_int(std::string& out, std::int64_t v) { out += std::to_string(v); }

void append_message_href(std::string& out, const core::message& m, std::string_view queue_path) {
    std::string href{queue_path};
    href += "/messages/";
    href += m.id.value();
    if (m.claim) {
        href += "?claim_id=";
        href += m.claim->value();
    }
    append_string(out, href);
}

}  // namespace

std::string queue_path(const core::queue_name& name, api_version version) {
    return std::string(root_of(version)) + "/queues/" + name.value();
}

void append_message(std::string& out, const core::message& m, std::string_view queue_path,
                    time_point now, message_form form) {
    if (form == message_form::with_id) {
        out += "{\"id\":";
        append_string(out, m.id.value());
        out += ",\"href\":";
    } else {
        out += "{\"href\":";
    }
    append_message_href(out, m, queue_path);
    out += ",\"ttl\":";
    append_int(out, m.ttl());
    out += ",\"age\":";
    append_int(out, m.age(now));
    out += ",\"body\":";
    out += m.body_json;
    out += '}';
}

namespace {

void append_message_array(std::string& out, const std::vector<core::message>& messages,
                          std::string_view queue_path, time_point now,
                          message_form form = message_form::with_id) {
    out += '[';
    for (std::size_t i = 0; i < messages.size(); ++i) {
        if (i) out += ',';
        append_message(out, messages[i], queue_path, now, form);
    }
    out += ']';
}

}  // namespace

std::string render_message_page(const std::vector<core::message>& messages,
                                std::string_view queue_path, time_point now,
                                const std::optional<std::string>& next_href, message_form form) {
    std::string out;
    out.reserve(64 + messages.size() * 160);
    out += "{\"messages\":";
    append_message_array(out, messages, queue_path, now, form);
    out += ',';
    append_links(out, next_href);
    out += '}';
    return out;
}

std::string render_messages(const std::vector<core::message>& messages, std::string_view queue_path,
                            time_point now) {
    std::string out;
    out.reserve(16 + messages.size() * 160);
    out += "{\"messages\":";
    append_message_array(out, messages, queue_path, now);
    out += '}';
    return out;
}

std::string render_message_array(const std::vector<core::message>& messages,
                                 std::string_view queue_path, time_point now, message_form form) {
    std::string out;
    out.reserve(2 + messages.size() * 160);
    append_message_array(out, messages, queue_path, now, form);
    return out;
}

json::value message_body(const core::message& m) { return parse_own_json(m.body_json); }

json::object popped_object(const std::vector<core::message>& messages, time_point now) {
    json::array items;
    items.reserve(messages.size());
    for (const auto& m : messages) {
        items.push_back(json::object{{"id", m.id.value()},
                                     {"age", m.age(now)},
                                     {"ttl", m.ttl()},
                                     {"claim_count", m.claim_count},
                                     {"body", message_body(m)},
                                     {"claim_id", nullptr}});
    }
    return json::object{{"messages", std::move(items)}};
}

std::string render_popped(const std::vector<core::message>& messages, time_point now) {
    return json::serialize(popped_object(messages, now));
}

std::string render_claim(const core::claim& claim, std::string_view queue_path, time_point now,
                         message_form form) {
    std::string out = "{\"age\":";
    append_int(out, claim.age(now));
    out += ",\"ttl\":";
    append_int(out, claim.ttl());
    out += ",\"messages\":";
    append_message_array(out, claim.messages, queue_path, now, form);
    out += ",\"href\":";
    append_string(out, std::string(queue_path) + "/claims/" + claim.id.value());
    out += '}';
    return out;
}

std::string render_post_result(const std::vector<core::message_id>& ids,
                               std::string_view queue_path) {
    std::string out = "{\"resources\":[";
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i) out += ',';
        append_string(out, std::string(queue_path) + "/messages/" + ids[i].value());
    }
    out += "]}";
    return out;
}

json::object stats_object(const core::queue_stats& stats, std::string_view queue_path,
                          time_point now) {
    boost::json::object messages{
        {"claimed", stats.claimed}, {"free", stats.free}, {"total", stats.total}};
    auto summary = [&](const core::message_summary& s) {
        return boost::json::object{{"href", std::string(queue_path) + "/messages/" + s.id.value()},
                                   {"age", seconds_between(s.created, now)},
                                   {"created", iso8601(s.created)}};
    };
    if (stats.total > 0 && stats.oldest && stats.newest) {
        messages["oldest"] = summary(*stats.oldest);
        messages["newest"] = summary(*stats.newest);
    }
    return boost::json::object{{"messages", std::move(messages)}};
}

std::string render_stats(const core::queue_stats& stats, std::string_view queue_path,
                         time_point now) {
    return json::serialize(stats_object(stats, queue_path, now));
}

json::object listing_item(const core::queue_record& record, std::string_view collection,
                          const json::object* metadata, api_version version) {
    auto href = std::string(root_of(version)) + "/" + std::string(collection) + "/";
    href += record.name.value();
    json::object item{{"name", record.name.value()}, {"href", std::move(href)}};
    if (metadata) item["metadata"] = *metadata;
    return item;
}

}  // namespace marconi::api
