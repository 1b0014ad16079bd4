// Marconi. Reserved queue metadata after Zaqar 15.0.0: Validator.queue_metadata_putting
// (zaqar/transport/validation.py:276) and _get_reserved_metadata (wsgi/v2_0/queues.py:32).
//
// One deliberate difference in typing: Zaqar checks `if v and not isinstance(v, int)`, so a
// bool passes as an int and a falsy non-int (false, 0.0, "", []) skips the type check and then
// either hits the range message or a Python TypeError (HTTP 500). Here any non-null value that
// is not a JSON integer gets the key's "must be integer" message.
#include "core/queue_settings.hpp"

#include <array>
#include <limits>
#include <string>
#include <string_view>

#include "core/retry_policy.hpp"
#include "core/validation.hpp"
#include "storage/contract/error.hpp"

namespace marconi::core {
namespace {

namespace json = boost::json;
using std::to_string;

[[noreturn]] void fail(std::string description) {
    throw error(errc::invalid_request, std::move(description));
}

bool is_integer(const json::value& v) { return v.is_int64() || v.is_uint64(); }

// Zaqar's JSON reader refuses integers beyond int64, so a uint64 only ever needs to compare
// as "too large"; saturating keeps every range check right.
std::int64_t as_int64(const json::value& v) {
    if (v.is_int64()) return v.get_int64();
    constexpr auto max = std::numeric_limits<std::int64_t>::max();
    return v.get_uint64() > std::uint64_t(max) ? max : std::int64_t(v.get_uint64());
}

/// nullopt when the key is missing or null; the value when it is an integer.
std::optional<std::int64_t> integer_field(const json::object& obj, std::string_view key,
                                          const std::string& type_message) {
    const auto* v = obj.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    if (!is_integer(*v)) fail(type_message);
    return as_int64(*v);
}

void check_integer(const json::object& obj, std::string_view key, std::int64_t min,
                   std::int64_t max, const std::string& range_message) {
    const auto value = integer_field(obj, key, std::string(key) + " must be integer.");
    if (value && (*value < min || *value > max)) fail(range_message);
}

void check_dead_letter_queue(const json::object& metadata) {
    // Zaqar accepts any value here; a name no request could address would strand messages.
    const auto* v = metadata.if_contains("_dead_letter_queue");
    if (v && !v->is_null() && !(v->is_string() && is_valid_queue_name(v->get_string()))) {
        fail("_dead_letter_queue must be a valid queue name.");
    }
}

/// A stored value that counts as set: an integer other than 0 (Zaqar's `if v:`).
std::optional<std::int64_t> truthy_integer(const json::object& obj, std::string_view key) {
    const auto* v = obj.if_contains(key);
    if (!v || !is_integer(*v) || !zaqar_truthy(*v)) return std::nullopt;
    return as_int64(*v);
}

}  // namespace

void validate_queue_metadata(const json::object& metadata, const limits& limits) {
    const auto max_ttl = to_string(limits.max_message_ttl);
    const auto min_ttl = to_string(min_message_ttl);
    check_integer(metadata, "_default_message_ttl", min_message_ttl, limits.max_message_ttl,
                  "_default_message_ttl can not exceed " + max_ttl +
                      " seconds, and must be at least " + min_ttl + " seconds long.");
    // The double space is Zaqar's.
    check_integer(metadata, "_max_messages_post_size", 1, limits.max_messages_post_size,
                  "_max_messages_post_size can not exceed " +
                      to_string(limits.max_messages_post_size) +
                      ",  and must be at least greater than 0.");
    // Zaqar only type-checks this one; 0 or less would dead-letter every message at once.
    check_integer(metadata, "_max_claim_count", 1, std::numeric_limits<std::int64_t>::max(),
                  "_max_claim_count must be greater than 0.");
    check_dead_letter_queue(metadata);
    check_integer(metadata, "_dead_letter_queue_messages_ttl", min_message_ttl,
                  limits.max_message_ttl,
                  "The TTL for a message may not exceed " + max_ttl +
                      " seconds, and must be at least " + min_ttl + " seconds long.");
    check_integer(metadata, "_default_message_delay", min_message_delay, limits.max_message_delay,
                  "The TTL can not exceed " + to_string(limits.max_message_delay) +
                      " seconds, and must be at least " + to_string(min_message_delay) +
                      " seconds long.");
    if (const auto* encrypt = metadata.if_contains("_enable_encrypt_messages");
        encrypt && zaqar_truthy(*encrypt) && !encrypt->is_bool()) {
        fail("_enable_encrypt_messages must be boolean.");
    }
    validate_retry_policy(metadata);
}

queue_settings settings_from_metadata(const json::object& metadata, const limits& limits) {
    queue_settings settings;
    const auto post_size = truthy_integer(metadata, "_max_messages_post_size");
    settings.max_messages_post_size = post_size
                                          ? std::min(*post_size, limits.max_messages_post_size)
                                          : limits.max_messages_post_size;
    settings.default_message_ttl =
        truthy_integer(metadata, "_default_message_ttl").value_or(limits.default_message_ttl);
    // Not limits.default_message_delay: Zaqar only shows that one in GET; a queue without its
    // own delay is not a delayed queue (wsgi/v2_0/messages.py:202-211).
    settings.default_message_delay = truthy_integer(metadata, "_default_message_delay").value_or(0);

    const auto max_claims = truthy_integer(metadata, "_max_claim_count");
    const auto* dlq = metadata.if_contains("_dead_letter_queue");
    if (max_claims && dlq && dlq->is_string() && !dlq->get_string().empty()) {
        settings.dead_letter = dead_letter_policy{
            .max_claim_count = *max_claims,
            .queue = queue_name{std::string(dlq->get_string())},
            .message_ttl = truthy_integer(metadata, "_dead_letter_queue_messages_ttl"),
        };
    }
    return settings;
}

json::object metadata_with_defaults(json::object stored, const limits& limits,
                                    metadata_owner owner) {
    // Zaqar's order (wsgi/v2_0/queues.py:32-45), which decides where new keys land. Topics
    // default the first three only (wsgi/v2_0/topic.py, _get_reserved_metadata).
    const std::array<std::pair<std::string_view, json::value>, 7> reserved{{
        {"_max_messages_post_size", limits.max_messages_post_size},
        {"_default_message_ttl", limits.default_message_ttl},
        {"_default_message_delay", limits.default_message_delay},
        {"_dead_letter_queue", nullptr},
        {"_dead_letter_queue_messages_ttl", nullptr},
        {"_max_claim_count", nullptr},
        {"_enable_encrypt_messages", false},
    }};
    const std::size_t shown = owner == metadata_owner::topic ? 3 : reserved.size();
    for (std::size_t i = 0; i < shown; ++i) {
        const auto& [key, value] = reserved[i];
        const auto* current = stored.if_contains(key);
        if (!current || !zaqar_truthy(*current)) stored[key] = value;
    }
    return stored;
}

}  // namespace marconi::core
