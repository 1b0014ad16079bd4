// Marconi. Subscription request checks.
#include "core/subscription_validation.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "core/error.hpp"
#include "core/retry_policy.hpp"
#include "core/validation.hpp"

namespace marconi::core {

namespace json = boost::json;

namespace {

[[noreturn]] void fail(std::string description) {
    throw error(errc::invalid_request, std::move(description));
}

/// Python's urllib.parse.urlparse(uri).scheme: the text before the first ':' when it starts
/// with a letter and holds only letters, digits, '+', '-' and '.'; lowercased. Empty otherwise.
std::string uri_scheme(std::string_view uri) {
    const auto colon = uri.find(':');
    if (colon == std::string_view::npos || colon == 0) return {};
    const auto first = static_cast<unsigned char>(uri[0]);
    if (first > 127 || !std::isalpha(first)) return {};
    std::string scheme;
    for (char c : uri.substr(0, colon)) {
        const auto u = static_cast<unsigned char>(c);
        if (u > 127 || !(std::isalnum(u) || c == '+' || c == '-' || c == '.')) return {};
        scheme += static_cast<char>(std::tolower(u));
    }
    return scheme;
}

/// A Python list's repr, as Zaqar formats `subscriber_types` into its message.
std::string python_list(const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ", ";
        out += "'" + items[i] + "'";
    }
    return out + "]";
}

/// Seconds from the epoch to Python's datetime.max (9999-12-31 23:59:59).
constexpr std::int64_t python_datetime_max = 253402300799;

}  // namespace

subscription_fields validate_subscription_patch(const json::value& body, const limits& limits,
                                                time_point now) {
    const bool empty = body.is_null() || (body.is_object() && body.get_object().empty()) ||
                       (body.is_array() && body.get_array().empty());
    if (empty) fail("No subscription to create.");
    if (!body.is_object()) fail("Subscriptions must be a dict.");
    const auto& doc = body.get_object();
    subscription_fields fields;

    const auto* subscriber = doc.if_contains("subscriber");
    if (subscriber && !subscriber->is_null()) {
        const std::string_view text =
            subscriber->is_string() ? std::string_view{subscriber->get_string()} : "";
        const auto scheme = uri_scheme(text);
        const auto& types = limits.subscriber_types;
        if (scheme.empty() || std::find(types.begin(), types.end(), scheme) == types.end()) {
            fail("The subscriber type of subscription must be supported in the list " +
                 python_list(limits.subscriber_types) + ".");
        }
        fields.subscriber = std::string{text};
    }

    if (const auto* options = doc.if_contains("options"); options && !options->is_null()) {
        if (!options->is_object()) fail("Options must be a dict.");
        validate_subscription_options(options->get_object());
        fields.options = options->get_object();
    }

    if (const auto* ttl = doc.if_contains("ttl"); ttl && !ttl->is_null()) {
        if (!ttl->is_int64() && !ttl->is_uint64()) fail("TTL must be an integer.");
        if (ttl->is_int64() && ttl->get_int64() < min_subscription_ttl) {
            fail("The TTL for a subscription must be at least " +
                 std::to_string(min_subscription_ttl) + " seconds long.");
        }
        const auto seconds_now = seconds_between(time_point{}, now);
        if (ttl->is_uint64() || ttl->get_int64() > python_datetime_max - seconds_now) {
            fail("The TTL seconds for a subscription plus current time must be less than "
                 "9999-12-31 23:59:59.999999.");
        }
        fields.ttl = ttl->get_int64();
    }
    return fields;
}

subscription_fields validate_subscription_post(const json::value& body, const limits& limits,
                                               time_point now) {
    if (body.is_object() && !body.get_object().contains("subscriber")) {
        fail("Missing parameter subscriber in body.");
    }
    return validate_subscription_patch(body, limits, now);
}

void validate_subscription_options(const json::object& options) {
    validate_retry_policy(options);
    // Ours, not Zaqar's: where this subscription's exhausted notifications are recorded.
    if (const auto* dlq = options.if_contains("_dead_letter_queue");
        dlq && !dlq->is_null() && !(dlq->is_string() && is_valid_queue_name(dlq->get_string()))) {
        fail("_dead_letter_queue must be a valid queue name.");
    }
}

bool validate_subscription_confirmation(const json::value& body) {
    const auto* confirmed = body.is_object() ? body.get_object().if_contains("confirmed") : nullptr;
    if (!confirmed || !confirmed->is_bool()) fail("The 'confirmed' should be boolean.");
    return confirmed->get_bool();
}

void validate_subscription_list_limit(std::int64_t limit, const limits& limits) {
    if (limit < 1 || limit > limits.max_subscriptions_per_page) {
        fail("Limit must be at least 1 and may not be greater than " +
             std::to_string(limits.max_subscriptions_per_page) + ".");
    }
}

}  // namespace marconi::core
