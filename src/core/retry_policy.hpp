// Marconi. Webhook retry policies (`_retry_policy` in queue metadata or subscription options,
// spec section 8.3): Zaqar's validation, which policy applies, and the delays between retries.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>

namespace marconi::core {

enum class backoff_function { linear, arithmetic, geometric, exponential };

/// A policy with Zaqar's defaults (zaqar/common/consts.py RETRY_OPS) for missing keys.
struct retry_policy {
    std::int64_t retries_with_no_delay = 3;
    std::int64_t minimum_delay_retries = 3;
    std::int64_t minimum_delay = 5;   ///< seconds
    std::int64_t maximum_delay = 30;  ///< seconds
    std::int64_t maximum_delay_retries = 3;
    backoff_function backoff = backoff_function::linear;
};

/// Zaqar's _validate_retry_policy over the `_retry_policy` key of `holder` (queue metadata or
/// subscription options): throws error{invalid_request} with Zaqar's wording. A missing or
/// falsy `_retry_policy` passes. As everywhere in core, a bool is not an integer.
void validate_retry_policy(const boost::json::object& holder);

/// The policy a delivery follows, as Zaqar's WebhookTask._retry_post picks it: the queue's when
/// either policy sets ignore_subscription_override, else the subscription's, else the queue's,
/// else the defaults (an empty policy counts as none). Arguments are the queue metadata and the
/// subscription options; values that never passed validation fall back to the defaults.
retry_policy effective_retry_policy(const boost::json::object& queue_metadata,
                                    const boost::json::object& subscription_options);

/// Seconds to wait before retry number `retry` (0 = the first retry after the failed first
/// attempt), or nullopt once the policy's retries are used up. The phases are Zaqar's:
/// retries_with_no_delay at 0 s, minimum_delay_retries at minimum_delay, the backoff sequence
/// from minimum_delay towards maximum_delay in steps of 5 (computed exactly as
/// zaqar/notification/tasks/webhook.py does), then maximum_delay_retries at maximum_delay.
/// Where Zaqar's formula would raise (a geometric or exponential sequence from a minimum_delay
/// of 0 or less, fewer than two steps), its backoff phase is skipped; negative delays are 0.
std::optional<std::int64_t> retry_delay(const retry_policy& policy, std::int64_t retry);

}  // namespace marconi::core
