// Marconi.
#include "api/codec/bodies.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cmath>

#include "core/error.hpp"

namespace marconi::api {

namespace json = boost::json;
using core::errc;
using core::error;

namespace {

/// `doc[name]` when present; must be an integer (bool is not), else Zaqar's type message.
std::optional<std::int64_t> optional_int(const json::object& doc, std::string_view name) {
    const auto* value = doc.if_contains(name);
    if (!value) return std::nullopt;
    if (value->is_int64()) return value->get_int64();
    if (value->is_uint64()) {
        throw error(errc::invalid_body, "JSON contains integer that is too large.");
    }
    throw error(errc::invalid_body,
                "The value of the \"" + std::string(name) + "\" field must be a int.");
}

/// Boost.JSON reads a number beyond double range (1e400) as infinity, which has no JSON
/// spelling: storing it would make every later read of that value unparsable.
bool all_numbers_finite(const json::value& value) {
    switch (value.kind()) {
        case json::kind::double_: return std::isfinite(value.get_double());
        case json::kind::array:
            for (const auto& item : value.get_array()) {
                if (!all_numbers_finite(item)) return false;
            }
            return true;
        case json::kind::object:
            for (const auto& field : value.get_object()) {
                if (!all_numbers_finite(field.value())) return false;
            }
            return true;
        default: return true;
    }
}

}  // namespace

json::value parse_json(std::string_view body) {
    if (body.empty()) throw error(errc::invalid_body, "Request body can not be empty");
    boost::system::error_code ec;
    json::value value = json::parse(body, ec);  // depth is bounded (32) by the parser
    if (ec || !all_numbers_finite(value)) {
        throw error(errc::invalid_body, "Request body could not be parsed.");
    }
    return value;
}

json::object parse_json_object(std::string_view body) {
    auto value = parse_json(body);
    if (!value.is_object()) throw error(errc::invalid_body, "Document type not supported.");
    return std::move(value.as_object());
}

std::vector<core::message_input> parse_message_batch(std::string_view body) {
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
        batch.push_back(core::message_input{json::serialize(*message_body),
                                            optional_int(fields, "ttl"),
                                            optional_int(fields, "delay")});
    }
    return batch;
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
