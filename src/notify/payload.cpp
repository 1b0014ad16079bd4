// Marconi. After zaqar/notification/tasks/webhook.py (WebhookTask.execute) and mailto.py.
#include "notify/payload.hpp"

#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <algorithm>
#include <cctype>

#include "common/json_depth.hpp"

namespace marconi::notify {

namespace json = boost::json;

namespace {

std::string option_string(const json::object& options, std::string_view key) {
    const auto* v = options.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string header_safe(std::string value) {
    std::replace_if(
        value.begin(), value.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
    return value;
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

std::string notification_json(const job& j, bool with_message_id) {
    if (j.kind == job_kind::confirmation) return j.payload_json;
    json::object doc;
    doc["body"] = parse_own_json(j.payload_json);
    doc["ttl"] = j.ttl;
    if (j.delay) doc["delay"] = *j.delay;
    doc["queue_name"] = j.source.value();
    doc["Message_Type"] = "Notification";
    if (with_message_id && j.message) doc["message_id"] = j.message->value();
    return json::serialize(doc);
}

std::string webhook_body(const job& j, const json::object& options, bool with_message_id) {
    auto message = notification_json(j, with_message_id);  // not const: returned by move
    const auto* post_data = options.if_contains("post_data");
    if (!post_data || !post_data->is_string()) return message;
    static constexpr std::string_view placeholder = "\"$zaqar_message$\"";
    std::string out(post_data->get_string());
    for (auto at = out.find(placeholder); at != std::string::npos;
         at = out.find(placeholder, at + message.size())) {
        out.replace(at, placeholder.size(), message);
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> webhook_headers(const json::object& options) {
    std::vector<std::pair<std::string, std::string>> headers{{"Content-Type", "application/json"}};
    const auto* extra = options.if_contains("post_headers");
    if (!extra || !extra->is_object()) return headers;
    for (const auto& [name, value] : extra->get_object()) {
        if (!value.is_string()) continue;
        std::string key(name);
        auto same = [&key](const auto& h) { return lower(h.first) == lower(key); };
        std::erase_if(headers, same);  // dict.update: the option replaces the default
        headers.emplace_back(header_safe(key), header_safe(std::string(value.get_string())));
    }
    return headers;
}

void add_auth_token(std::vector<std::pair<std::string, std::string>>& headers, std::string token) {
    for (const auto& h : headers) {
        if (lower(h.first) == "x-auth-token") return;
    }
    headers.emplace(headers.begin(), "X-Auth-Token", header_safe(std::move(token)));
}

std::optional<mailto_address> parse_mailto(const std::string& subscriber) {
    auto parsed = boost::urls::parse_uri(subscriber);
    if (!parsed || parsed->scheme() != "mailto" || parsed->path().empty()) return std::nullopt;
    mailto_address out;
    out.to = std::string(parsed->path());
    for (const auto& param : parsed->params()) {
        if (lower(param.key) == "subject" && !out.has_subject) {
            out.subject = param.has_value ? std::string(param.value) : std::string();
            out.has_subject = true;
        }
    }
    return out;
}

std::string mail_text(const job& j, const mailto_address& address, const json::object& options,
                      bool with_message_id) {
    const auto subject = address.has_subject ? address.subject : option_string(options, "subject");
    std::string text;
    text += "Content-Type: text/plain; charset=\"utf-8\"\n";
    text += "MIME-Version: 1.0\n";
    text += "Content-Transfer-Encoding: 8bit\n";
    text += "To: " + header_safe(address.to) + "\n";
    text += "From: " + header_safe(option_string(options, "from")) + "\n";
    text += "Subject: " + header_safe(subject) + "\n";
    text += "\n";
    text += notification_json(j, with_message_id);
    text += "\n";
    return text;
}

}  // namespace marconi::notify
