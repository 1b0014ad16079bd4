// Marconi. Pool and flavor bodies.
#include "api/codec/admin_bodies.hpp"

#include <boost/json/serialize.hpp>

#include <array>

#include "api/codec/bodies.hpp"
#include "storage/contract/error.hpp"

namespace marconi::api {

namespace json = boost::json;
using core::errc;
using core::error;

namespace {

constexpr std::size_t max_uri_length = 255;
constexpr std::size_t max_flavor_length = 255;
constexpr std::int64_t max_weight = 4294967295;  // 2^32 - 1
constexpr std::array pool_fields{"uri", "weight", "flavor", "options"};

[[noreturn]] void invalid(std::string description) {
    throw error(errc::invalid_body, std::move(description));
}

std::string quoted(std::string_view name) { return "'" + std::string{name} + "'"; }

void read_pool_fields(const json::object& doc, core::pool_input& out) {
    if (const auto* uri = doc.if_contains("uri")) {
        if (!uri->is_string()) invalid(json::serialize(*uri) + " is not of type 'string'");
        if (uri->get_string().size() > max_uri_length) {
            invalid(json::serialize(*uri) + " is too long");
        }
        out.uri = std::string{uri->get_string()};
    }
    if (const auto* weight = doc.if_contains("weight")) {
        if (!weight->is_int64()) invalid(json::serialize(*weight) + " is not of type 'integer'");
        const auto w = weight->get_int64();
        if (w < 0) invalid(std::to_string(w) + " is less than the minimum of 0");
        if (w > max_weight) {
            invalid(std::to_string(w) + " is greater than the maximum of " +
                    std::to_string(max_weight));
        }
        out.weight = w;
    }
    if (const auto* flavor = doc.if_contains("flavor")) {
        if (!flavor->is_string()) invalid(json::serialize(*flavor) + " is not of type 'string'");
        if (flavor->get_string().size() > max_flavor_length) {
            invalid(json::serialize(*flavor) + " is too long");
        }
        out.flavor = std::string{flavor->get_string()};
    }
    if (const auto* options = doc.if_contains("options")) {
        if (!options->is_object()) invalid(json::serialize(*options) + " is not of type 'object'");
        out.options_json = json::serialize(*options);
    }
}

std::vector<std::string> pool_names(const json::value& list) {
    if (!list.is_array()) invalid(json::serialize(list) + " is not of type 'array'");
    std::vector<std::string> pools;
    for (const auto& item : list.get_array()) {
        if (!item.is_string()) invalid(json::serialize(item) + " is not of type 'string'");
        pools.emplace_back(item.get_string());
    }
    return pools;
}

}  // namespace

core::pool_input parse_pool_create(std::string_view body) {
    const auto doc = parse_json_object(body);
    for (const auto& field : doc) {
        if (std::find(pool_fields.begin(), pool_fields.end(), field.key()) == pool_fields.end()) {
            invalid("Additional properties are not allowed (" + quoted(field.key()) +
                    " was unexpected)");
        }
    }
    for (const char* required : {"uri", "weight"}) {
        if (!doc.contains(required)) invalid(quoted(required) + " is a required property");
    }
    core::pool_input out;
    read_pool_fields(doc, out);
    return out;
}

core::pool_input parse_pool_patch(std::string_view body) {
    const auto doc = parse_json_object(body);
    core::pool_input out;
    read_pool_fields(doc, out);
    if (!out.uri && !out.weight && !out.flavor && !out.options_json) {
        invalid("One of `uri`, `weight`, `flavor`, or `options` needs to be specified");
    }
    return out;
}

std::vector<std::string> parse_flavor_create(std::string_view body) {
    const auto doc = parse_json_object(body);
    for (const auto& field : doc) {
        if (field.key() != "pool_list" && field.key() != "capabilities") {
            invalid("Additional properties are not allowed (" + quoted(field.key()) +
                    " was unexpected)");
        }
    }
    const auto* list = doc.if_contains("pool_list");
    if (!list) invalid(quoted("pool_list") + " is a required property");
    if (const auto* caps = doc.if_contains("capabilities"); caps && !caps->is_object()) {
        invalid(json::serialize(*caps) + " is not of type 'object'");
    }
    return pool_names(*list);
}

std::vector<std::string> parse_flavor_patch(std::string_view body) {
    const auto doc = parse_json_object(body);
    // Zaqar's PATCH schema puts its additionalProperties inside `properties`, so a PATCH may
    // carry any other key (capabilities of any type included); only pool_list is read.
    const auto* list = doc.if_contains("pool_list");
    if (!list) invalid("`pool_list` needs to be specified");
    return pool_names(*list);
}

}  // namespace marconi::api
