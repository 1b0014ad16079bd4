// Marconi. Subscription request checks with Zaqar 15.0.0's wording (transport/validation.py:
// subscription_posting, subscription_patching, subscription_confirming, subscription_listing).
// Pure functions, thread-safe. Failures are error{invalid_request} ("Invalid API request").
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.hpp"
#include "core/limits.hpp"

namespace marconi::core {

/// The fields of a POST or PATCH body, each checked; absent (or null) ones are nullopt.
struct subscription_fields {
    std::optional<std::string> subscriber;
    std::optional<std::int64_t> ttl;
    std::optional<boost::json::object> options;
};

/// A PATCH body (subscription_patching): not empty ("No subscription to create."), an object,
/// a subscriber whose URI scheme is in `subscriber_types` and (ours) that could be delivered
/// to: an http(s) URL with a host and a valid port, a mailto with an address; options an
/// object (then validate_subscription_options), ttl an integer of at least
/// min_subscription_ttl that keeps now + ttl within Python's datetime range. Unknown keys are
/// ignored, as in Zaqar.
subscription_fields validate_subscription_patch(const boost::json::value& body,
                                                const limits& limits, time_point now);

/// A POST body (subscription_posting): `subscriber` is required and not null, then the PATCH
/// rules. The result always has a subscriber.
subscription_fields validate_subscription_post(const boost::json::value& body, const limits& limits,
                                               time_point now);

/// The one place subscription `options` are checked beyond being an object: `_retry_policy`
/// as Zaqar checks it (core/retry_policy.hpp), and ours: `_dead_letter_queue` (a queue name)
/// and `post_headers` names (header tokens, not Host, Content-Length, Transfer-Encoding or
/// Connection, which the webhook sender writes).
void validate_subscription_options(const boost::json::object& options);

/// A confirm body: `confirmed` must be a JSON boolean. Returns it.
bool validate_subscription_confirmation(const boost::json::value& body);

/// List `?limit=` in [1, max_subscriptions_per_page].
void validate_subscription_list_limit(std::int64_t limit, const limits& limits);

}  // namespace marconi::core
