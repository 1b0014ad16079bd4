// Marconi.
#include "api/codec/bodies.hpp"

#include <boost/json/serialize.hpp>

#include "api/codec/json_reader.hpp"
#include "core/validation.hpp"
#include "storage/contract/error.hpp"

namespace marconi::api {

namespace json = boost::json;
using core::errc;
using core::error;

namespace {

/// `doc[name]` when present; must be an integer (bool is not), else Zaqar's type message.
/// read_client_json already refused integers outside int64.
std::optional<std::int64_t> optional_int(const json::object& doc, std::string_view name) {
    const auto* value = doc.if_contains(name);
    if (!value) return std::nullopt;
    if (value->is_int64()) return value->get_int64();
    throw error(errc::invalid_body,
                "The value of the \"" + std::string(name) + "\" field must be a int.");
}

/// `doc[name]`, which must be there: Zaqar's spec fields without a default.
std::int64_t required_int(const json::object& doc, std::string_view name) {
    if (auto value = optional_int(doc, name)) return *value;
    throw error(errc::invalid_body, "Missing \"" + std::string(name) + "\" field.");
}

}  // namespace

json::value parse_json(std::string_view body) {
    if (body.empty()) throw error(errc::invalid_body, "Request body can not be empty");
    auto reading = read_client_json(body);
    if (reading.problem != json_problem::none) {
        throw error(errc::invalid_body, describe(reading.problem));
    }
    return std::move(reading.value);
}

json::object parse_json_object(std::string_view body) {
    auto value = parse_json(body);
    if (!value.is_object()) throw error(errc::invalid_body, "Document type not supported.");
    return std::move(value.as_object());
}

json::object parse_queue_metadata(std::string_view body, const core::limits& limits) {
    if (body.empty()) return {};
    core::validate_queue_metadata_size(static_cast<std::int64_t>(body.size()), limits,
                                       errc::invalid_request);
    return parse_json_object(body);
}

std::vector<core::message_input> parse_message_batch(std::string_view body, bool with_delay) {
    auto doc = parse_json_object(body);
    auto* messages = doc.if_contains("messages");
    if (!messages) {
        throw error(errc::invalid_request, "No messages were found in the request body.");
    }
    if (!messages->is_array()) throw error(errc::invalid_body, "Document type not supported.");

    std::vector<core::message_input> batch;
    batch.reserve(messages->as_array().size());
    for (auto& item : messages->as_array()) {
        if (!item.is_object()) throw error(errc::invalid_body, "Document type not supported.");
        auto& fields = item.as_object();
        const auto* message_body = fields.if_contains("body");
        if (!message_body) throw error(errc::invalid_body, "Missing \"body\" field.");
        batch.push_back(
            core::message_input{json::serialize(*message_body), optional_int(fields, "ttl"),
                                with_delay ? optional_int(fields, "delay") : std::nullopt});
    }
    return batch;
}

std::vector<core::message_input> parse_v1_message_array(std::string_view body) {
    auto doc = parse_json(body);
    if (!doc.is_array()) throw error(errc::invalid_body, "Document type not supported.");
    std::vector<core::message_input> batch;
    batch.reserve(doc.as_array().size());
    for (auto& item : doc.as_array()) {
        if (!item.is_object()) throw error(errc::invalid_body, "Document type not supported.");
        auto& fields = item.as_object();
        // Zaqar reads the spec's fields in order: ttl, then body.
        const auto ttl = required_int(fields, "ttl");
        const auto* message_body = fields.if_contains("body");
        if (!message_body) throw error(errc::invalid_body, "Missing \"body\" field.");
        batch.push_back(core::message_input{json::serialize(*message_body), ttl, std::nullopt});
    }
    return batch;
}

claim_body parse_v1_claim_body(std::string_view body, v1_claim_request kind) {
    auto doc = parse_json_object(body);
    const auto ttl = required_int(doc, "ttl");
    if (kind == v1_claim_request::create) return claim_body{ttl, required_int(doc, "grace")};
    return claim_body{ttl, optional_int(doc, "grace")};
}

claim_body parse_claim_body(std::string_view body, bool optional_body) {
    if (body.empty() && optional_body) return {};
    auto doc = parse_json_object(body);
    return claim_body{optional_int(doc, "ttl"), optional_int(doc, "grace")};
}

std::vector<std::string> parse_purge_body(std::string_view body) {
    std::vector<std::string> all{"messages", "subscriptions"};
    if (body.empty()) return all;
    auto doc = parse_json_object(body);
    const auto* types = doc.if_contains("resource_types");
    if (!types || !types->is_array()) {
        throw error(errc::invalid_request, "Post body must contain key \"resource_types\".");
    }
    std::vector<std::string> result;
    for (const auto& t : types->as_array()) {
        if (!t.is_string() || (t.as_string() != "messages" && t.as_string() != "subscriptions")) {
            throw error(errc::invalid_request,
                        "Resource types must be a sub set of ['messages', 'subscriptions'].");
        }
        result.emplace_back(t.as_string());
    }
    return result;
}

}  // namespace marconi::api
