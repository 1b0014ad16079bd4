// Marconi. Subscription request checks.
#include "core/subscription_validation.hpp"

#include "core/retry_policy.hpp"
#include "core/validation.hpp"
#include "storage/contract/error.hpp"

#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string_view>

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

/// 1 to 65535. Boost.URL 1.81's port_number() keeps only the low 16 bits of a larger number.
bool is_usable_port(std::string_view port) {
    unsigned value = 0;
    const auto* end = port.data() + port.size();
    const auto [stop, ec] = std::from_chars(port.data(), end, value);
    return ec == std::errc{} && stop == end && value >= 1 && value <= 65535;
}

[[noreturn]] void fail_subscriber_type(const limits& limits) {
    fail("The subscriber type of subscription must be supported in the list " +
         python_list(limits.subscriber_types) + ".");
}

/// Ours, not Zaqar's: a subscriber no sender could ever reach is refused here, instead of
/// failing every retry before its dead-letter record. http(s) and trust+http(s) (sent as
/// http(s)) need a URL with a host and a usable port; mailto needs an address. Other
/// configured schemes only need to parse.
void validate_subscriber_uri(const std::string& text, std::string_view scheme) {
    // Boost.URL 1.81 reads a NUL as the end, so one inside would hide the rest of the text.
    auto parsed = boost::urls::parse_uri(text);
    if (!parsed || text.find('\0') != std::string::npos) {
        fail("The subscriber of subscription must be a valid URI.");
    }
    if (scheme == "mailto") {
        if (parsed->path().empty()) fail("The subscriber of subscription must name a mailbox.");
        return;
    }
    const bool web =
        scheme == "http" || scheme == "https" || scheme == "trust+http" || scheme == "trust+https";
    if (!web) return;
    if (parsed->host_address().empty()) fail("The subscriber of subscription must name a host.");
    if (parsed->has_port() && !is_usable_port(parsed->port())) {
        fail("The subscriber of subscription must have a port between 1 and 65535.");
    }
}

/// The subscriber of a POST or PATCH body: a string whose scheme is configured and whose URI
/// could be delivered to. null is "not given" (nullopt); any other non-string is refused.
std::optional<std::string> checked_subscriber(const json::value* subscriber, const limits& limits) {
    if (!subscriber || subscriber->is_null()) return std::nullopt;
    const std::string text = subscriber->is_string() ? std::string(subscriber->get_string()) : "";
    const auto scheme = uri_scheme(text);
    const auto& types = limits.subscriber_types;
    if (scheme.empty() || std::find(types.begin(), types.end(), scheme) == types.end()) {
        fail_subscriber_type(limits);
    }
    validate_subscriber_uri(text, scheme);
    return text;
}

/// RFC 9110 token characters, the only ones a header name may have.
bool is_header_name(std::string_view name) {
    constexpr std::string_view specials = "!#$%&'*+-.^_`|~";
    return !name.empty() && std::all_of(name.begin(), name.end(), [&](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 128 && (std::isalnum(u) || specials.find(c) != std::string_view::npos);
    });
}

/// Headers the webhook sender writes itself. A second Host (or framing header) would make the
/// request mean different things to different receivers (request smuggling).
bool is_sender_header(std::string_view name) {
    std::string lowered(name);
    for (auto& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lowered == "host" || lowered == "content-length" || lowered == "transfer-encoding" ||
           lowered == "connection";
}

/// Ours: `post_headers` names must be header names and may not be the sender's own. A
/// non-object `post_headers` is left alone, as before: the sender ignores it.
void validate_post_headers(const json::object& options) {
    const auto* headers = options.if_contains("post_headers");
    if (!headers || !headers->is_object()) return;
    for (const auto& entry : headers->get_object()) {
        const std::string name(entry.key());
        if (!is_header_name(name)) {
            fail("Options post_headers has an invalid header name: " +
                 json::serialize(json::string_view(name)));
        }
        if (is_sender_header(name)) {
            fail("Options post_headers may not set the " + name + " header: the notifier sets it.");
        }
    }
}

}  // namespace

subscription_fields validate_subscription_patch(const json::value& body, const limits& limits,
                                                time_point now) {
    const bool empty = body.is_null() || (body.is_object() && body.get_object().empty()) ||
                       (body.is_array() && body.get_array().empty());
    if (empty) fail("No subscription to create.");
    if (!body.is_object()) fail("Subscriptions must be a dict.");
    const auto& doc = body.get_object();
    subscription_fields fields;

    fields.subscriber = checked_subscriber(doc.if_contains("subscriber"), limits);

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
            fail(
                "The TTL seconds for a subscription plus current time must be less than "
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
    auto fields = validate_subscription_patch(body, limits, now);
    // Zaqar lets a null subscriber through to storage, which fails (503) after creating the
    // queue; here it is a subscriber without a scheme, like "".
    if (!fields.subscriber) fail_subscriber_type(limits);
    return fields;
}

void validate_subscription_options(const json::object& options) {
    validate_retry_policy(options);
    validate_post_headers(options);
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
