// Marconi.
#include "notify/job.hpp"

#include <boost/json/serialize.hpp>
#include <string_view>

#include "common/json_depth.hpp"

namespace marconi::notify {

namespace json = boost::json;

namespace {

constexpr std::string_view topic_suffix = "\x1ftopics";

const json::string* string_at(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? &v->get_string() : nullptr;
}

std::optional<std::int64_t> integer_at(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v || !v->is_int64()) return std::nullopt;
    return v->get_int64();
}

}  // namespace

core::queue_address job::source_address() const {
    if (topic) return core::topic_address(project, source);
    return core::queue_address{project, source};
}

source_ref source_of(const core::queue_address& address) {
    const auto& p = address.project.value();
    if (p.size() > topic_suffix.size() && p.ends_with(topic_suffix)) {
        return {core::project_id{p.substr(0, p.size() - topic_suffix.size())}, true};
    }
    return {address.project, false};
}

std::string encode(const job& j) {
    json::object o;
    o["v"] = 1;
    o["kind"] = j.kind == job_kind::notification ? "notification" : "confirmation";
    o["project"] = j.project.value();
    o["source_type"] = j.topic ? "topic" : "queue";
    o["source"] = j.source.value();
    o["subscription_id"] = j.subscription.value();
    o["subscriber"] = j.subscriber;
    if (j.message) o["message_id"] = j.message->value();
    o["payload"] = parse_own_json(j.payload_json);
    o["ttl"] = j.ttl;
    if (j.delay) o["delay"] = *j.delay;
    o["attempts"] = j.attempts;
    if (!j.last_error.empty()) o["last_error"] = j.last_error;
    return json::serialize(o);
}

std::optional<job> decode(const std::string& text) {
    boost::system::error_code ec;
    auto value = parse_own_json(text, ec);
    if (ec || !value.is_object()) return std::nullopt;
    const auto& o = value.get_object();
    const auto* kind = string_at(o, "kind");
    const auto* project = string_at(o, "project");
    const auto* source_type = string_at(o, "source_type");
    const auto* source = string_at(o, "source");
    const auto* subscription = string_at(o, "subscription_id");
    const auto* subscriber = string_at(o, "subscriber");
    const auto* payload = o.if_contains("payload");
    if (integer_at(o, "v") != 1 || !kind || !project || !source_type || !source || !subscription ||
        !subscriber || !payload) {
        return std::nullopt;
    }
    job j;
    if (*kind == "confirmation") {
        j.kind = job_kind::confirmation;
    } else if (*kind != "notification") {
        return std::nullopt;
    }
    j.project = core::project_id{std::string(*project)};
    j.topic = *source_type == "topic";
    j.source = core::queue_name{std::string(*source)};
    j.subscription = core::subscription_id{std::string(*subscription)};
    j.subscriber = std::string(*subscriber);
    if (const auto* id = string_at(o, "message_id")) j.message = core::message_id{std::string(*id)};
    j.payload_json = json::serialize(*payload);
    j.ttl = integer_at(o, "ttl").value_or(0);
    j.delay = integer_at(o, "delay");
    j.attempts = integer_at(o, "attempts").value_or(0);
    if (const auto* error = string_at(o, "last_error")) j.last_error = std::string(*error);
    return j;
}

}  // namespace marconi::notify
