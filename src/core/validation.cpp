// Marconi. Request validation; every description is Zaqar 15.0.0's text, typos included.
#include "core/validation.hpp"

#include <algorithm>

namespace marconi::core {
namespace {

using std::to_string;

[[noreturn]] void fail(std::string description) {
    throw error(errc::invalid_request, std::move(description));
}

void check_range(std::int64_t value, std::int64_t min, std::int64_t max,
                 const std::string& description) {
    if (value < min || value > max) fail(description);
}

// "... may not exceed {max} seconds, and must be at least {min} seconds long."
std::string seconds_range(std::string_view what, std::int64_t max, std::int64_t min,
                          std::string_view joint = ", and") {
    return std::string(what) + " may not exceed " + to_string(max) + " seconds" +
           std::string(joint) + " must be at least " + to_string(min) + " seconds long.";
}

// Python's str.isspace() over Latin-1, which is how WSGI decodes header bytes.
bool py_space(unsigned char c) {
    return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xa0;
}

bool hex_digit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Python's str.replace(needle, ''): one left-to-right pass, the result is not rescanned.
std::string remove_all(std::string_view s, std::string_view needle) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        if (s.substr(i, needle.size()) == needle) {
            i += needle.size();
        } else {
            out += s[i++];
        }
    }
    return out;
}

// Python's int(s, 16) on the 32 characters uuid.UUID keeps: surrounding whitespace, a '+'
// (hyphens are already gone, so never a '-'), an optional 0x prefix, and single underscores
// between digits.
bool py_hex_int_parses(std::string_view s) {
    while (!s.empty() && py_space(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && py_space(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    if (s.starts_with('+')) s.remove_prefix(1);
    bool underscore_ok = false;  // "0x_1" is valid Python, "_1" is not
    if (s.starts_with("0x") || s.starts_with("0X")) {
        s.remove_prefix(2);
        underscore_ok = true;
    }
    bool any_digit = false;
    for (char c : s) {
        if (c == '_' && underscore_ok) {
            underscore_ok = false;
        } else if (hex_digit(c)) {
            any_digit = true;
            underscore_ok = true;
        } else {
            return false;
        }
    }
    return any_digit && !s.ends_with('_');
}

// The form nearly every client sends, 8-4-4-4-12 hex digits: checked without the allocations of
// the general path below.
bool is_canonical_uuid(std::string_view text) {
    if (text.size() != 36) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool hyphen_place = i == 8 || i == 13 || i == 18 || i == 23;
        if (hyphen_place ? text[i] != '-' : !hex_digit(text[i])) return false;
    }
    return true;
}

// Python's uuid.UUID(hex=...): drop "urn:" and "uuid:", strip braces, drop hyphens, then
// exactly 32 characters that int(..., 16) accepts.
bool py_uuid_parses(std::string_view text) {
    if (is_canonical_uuid(text)) return true;
    std::string hex = remove_all(remove_all(text, "urn:"), "uuid:");
    const auto first = hex.find_first_not_of("{}");
    if (first == std::string::npos) return false;
    hex = hex.substr(first, hex.find_last_not_of("{}") - first + 1);
    std::erase(hex, '-');
    return hex.size() == 32 && py_hex_int_parses(hex);
}

}  // namespace

bool zaqar_truthy(const boost::json::value& value) noexcept {
    switch (value.kind()) {
        case boost::json::kind::null: return false;
        case boost::json::kind::bool_: return value.get_bool();
        case boost::json::kind::int64: return value.get_int64() != 0;
        case boost::json::kind::uint64: return value.get_uint64() != 0;
        case boost::json::kind::double_: return value.get_double() != 0.0;
        case boost::json::kind::string: return !value.get_string().empty();
        case boost::json::kind::array: return !value.get_array().empty();
        case boost::json::kind::object: return !value.get_object().empty();
    }
    return false;
}

bool is_valid_queue_name(std::string_view name) noexcept {
    return !name.empty() && name.size() <= queue_name_max_len &&
           std::all_of(name.begin(), name.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-' || c == '.';
           });
}

void validate_queue_name(std::string_view queue, std::string_view project) {
    if (project.size() > project_id_max_len || !is_valid_queue_name(queue)) {
        throw titled_error(errc::invalid_request, "Invalid queue identification",
                           "The format of the submitted queue name or project id is not valid.");
    }
}

void validate_topic_name(std::string_view topic, std::string_view project) {
    if (project.size() > project_id_max_len || !is_valid_queue_name(topic)) {
        throw titled_error(errc::invalid_request, "Invalid topic identification",
                           "The format of the submitted topic name or project id is not valid.");
    }
}

void validate_project_id(std::optional<std::string_view> header) {
    if (!header) {
        throw titled_error(errc::missing_header, "Project-Id Missing",
                           "The header X-PROJECT-ID was missing");
    }
    if (header->empty()) {
        throw titled_error(errc::missing_header, "Empty project header not allowed",
                           "X-PROJECT-ID cannot be an empty string. Specify the right header "
                           "X-PROJECT-ID and retry.");
    }
    // Control characters are reserved for internal namespaces (core::topic_address).
    if (std::any_of(header->begin(), header->end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
        throw titled_error(errc::missing_header, "Invalid project id",
                           "X-PROJECT-ID must not contain control characters.");
    }
}

void validate_client_id(std::optional<std::string_view> header, const limits& limits) {
    if (!header) {
        throw titled_error(errc::missing_header, "Missing header value",
                           "The \"Client-ID\" header is required.");
    }
    const auto length = static_cast<std::int64_t>(header->size());
    const bool ok =
        limits.client_id_uuid_safe == client_id_check::strict
            ? py_uuid_parses(*header)
            : length >= limits.min_length_client_id && length <= limits.max_length_client_id;
    if (!ok) {
        throw titled_error(errc::missing_header, "Wrong UUID value", "Malformed hexadecimal UUID.");
    }
}

void validate_v1_client_id(std::optional<std::string_view> header) {
    if (header && !py_uuid_parses(*header)) {
        throw titled_error(errc::missing_header, "Wrong UUID value", "Malformed hexadecimal UUID.");
    }
}

void validate_message_ttl(std::int64_t ttl, const limits& limits) {
    check_range(ttl, min_message_ttl, limits.max_message_ttl,
                seconds_range("The TTL for a message", limits.max_message_ttl, min_message_ttl));
}

void validate_message_delay(std::int64_t delay, const limits& limits) {
    // Zaqar's string lacks the space after the comma.
    check_range(delay, min_message_delay, limits.max_message_delay,
                seconds_range("The Delay TTL for a message", limits.max_message_delay,
                              min_message_delay, ",and"));
}

void validate_message_count(std::size_t count) {
    if (count == 0) fail("No messages to enqueu.");
}

void validate_message_post_size(std::int64_t body_size, const boost::json::object& queue_metadata,
                                const limits& limits) {
    const auto* queue_max = queue_metadata.if_contains("_max_messages_post_size");
    // Stored metadata passed validate_queue_metadata, so a set value is an integer.
    if (queue_max && queue_max->is_int64() && queue_max->get_int64() != 0) {
        const auto effective = std::min(queue_max->get_int64(), limits.max_messages_post_size);
        if (body_size > effective) {
            fail("Message collection size is too large. The max size for current queue is " +
                 to_string(effective) +
                 ". It is calculated by max size = min(max_messages_post_size_config: " +
                 to_string(limits.max_messages_post_size) +
                 ", max_messages_post_size_queue: " + to_string(queue_max->get_int64()) + ").");
        }
    }
    if (body_size > limits.max_messages_post_size) {
        fail("Message collection size is too large. Max size " +
             to_string(limits.max_messages_post_size));
    }
}

void validate_claim_ttl(std::int64_t ttl, const limits& limits) {
    check_range(ttl, min_claim_ttl, limits.max_claim_ttl,
                seconds_range("The TTL for a claim", limits.max_claim_ttl, min_claim_ttl));
}

void validate_claim_grace(std::int64_t grace, const limits& limits) {
    check_range(grace, min_claim_grace, limits.max_claim_grace,
                seconds_range("The grace for a claim", limits.max_claim_grace, min_claim_grace));
}

void validate_claim_limit(std::int64_t limit, const limits& limits) {
    check_range(limit, 1, limits.max_messages_per_claim_or_pop,
                "Limit must be at least 1 and may not be greater than " +
                    to_string(limits.max_messages_per_claim_or_pop) + ".");
}

void validate_claim_creation(std::int64_t ttl, std::int64_t grace,
                             std::optional<std::int64_t> limit, const limits& limits) {
    validate_claim_ttl(ttl, limits);
    if (limit) validate_claim_limit(*limit, limits);
    validate_claim_grace(grace, limits);
}

void validate_queue_list_limit(std::int64_t limit, const limits& limits) {
    check_range(limit, 1, limits.max_queues_per_page,
                "Limit must be at least 1 and no greater than " +
                    to_string(limits.max_queues_per_page) + ".");
}

void validate_pool_list_limit(std::int64_t limit, const limits& limits) {
    check_range(limit, 1, limits.max_pools_per_page,
                "Limit must be at least 1 and no greater than " +
                    to_string(limits.max_pools_per_page) + ".");
}

void validate_flavor_list_limit(std::int64_t limit, const limits& limits) {
    check_range(limit, 1, limits.max_flavors_per_page,
                "Limit must be at least 1 and no greater than " +
                    to_string(limits.max_flavors_per_page) + ".");
}

void validate_message_list_limit(std::int64_t limit, const limits& limits) {
    check_range(limit, 1, limits.max_messages_per_page,
                "Limit must be at least 1 and may not be greater than " +
                    to_string(limits.max_messages_per_page) + ".");
}

void validate_message_deletion(std::optional<std::int64_t> pop,
                               std::optional<std::size_t> ids_count,
                               std::optional<std::size_t> claim_ids_count, const limits& limits) {
    if (pop && ids_count) {
        fail("pop and id params cannot be present together in the delete request.");
    }
    if (!pop && !ids_count) {
        fail(
            "The request should have either \"ids\" or \"pop\" parameter in the request, to be "
            "able to delete.");
    }
    const bool ids_given = ids_count && *ids_count > 0;
    const bool claim_ids_given = claim_ids_count && *claim_ids_count > 0;
    if (limits.message_delete_with_claim_id &&
        ((ids_given && !claim_ids_count) || (!ids_count && claim_ids_given))) {
        fail(
            "The request should have both \"ids\" and \"claim_ids\" parameter in the request "
            "when message_delete_with_claim_id is True.");
    }
    if (pop) {
        check_range(*pop, 1, limits.max_messages_per_claim_or_pop,
                    "Pop value must be at least 1 and may not be greater than " +
                        to_string(limits.max_messages_per_claim_or_pop) + ".");
    }
    if (ids_count) {
        check_range(static_cast<std::int64_t>(*ids_count), 1, limits.max_messages_per_page,
                    "ids parameter should have at least 1 and not greater than " +
                        to_string(limits.max_messages_per_page) + " values.");
    }
}

void validate_queue_metadata_size(std::int64_t body_size, const limits& limits, errc code) {
    if (body_size > limits.max_queue_metadata) {
        throw error(
            code, "Queue metadata is too large. Max size: " + to_string(limits.max_queue_metadata));
    }
}

}  // namespace marconi::core
