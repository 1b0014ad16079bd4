// Marconi. Subscriptions of a queue or topic (spec section 5.5): Zaqar's validation and
// defaults around the driver's subscription_store.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "core/limits.hpp"
#include "core/quotas.hpp"
#include "core/subscription_observer.hpp"
#include "core/trusts.hpp"
#include "storage/contract/driver.hpp"
#include "storage/contract/subscription_model.hpp"

namespace marconi::core {

namespace net = boost::asio;

class queue_service;

/// Thread-safe: holds references only. A source is a queue address, or core::topic_address for
/// a topic; the same rules apply to both.
class subscription_service {
public:
    subscription_service(storage::data_driver& driver, queue_service& queues, const limits& limits,
                         quota_guard& quotas, const clock& clock, notification_options notification)
        : driver_(driver),
          queues_(queues),
          limits_(limits),
          quotas_(quotas),
          clock_(clock),
          notification_(notification) {}

    /// POST: validates the body, creates the source queue if missing, stores the subscription
    /// unconfirmed (it is notified anyway unless require_confirmation is on). A live one with
    /// the same subscriber
    /// gives error{conflict} when confirmed, and is returned (created == false) when not, so
    /// the caller answers 201 with its id as Zaqar does. A new subscriber beyond
    /// max_subscriptions_per_queue throws throttled_error.
    ///
    /// A `trust+http(s)` subscriber whose options name no `trust_id` gets one, as in Zaqar's
    /// TrustTask.register: when a trust broker is set and `who` is given (a Keystone request),
    /// a trust from `who` expiring with the subscription, stored as options.trust_id.
    net::awaitable<subscription_created> create(queue_address source, boost::json::value body,
                                                std::optional<trustor> who = std::nullopt);
    /// A page in creation order after `marker`; `limit` defaults to 10, bounded by
    /// max_subscriptions_per_page.
    net::awaitable<std::vector<subscription>> list(queue_address source,
                                                   std::optional<std::string> marker,
                                                   std::optional<std::int64_t> limit);
    /// Throws subscription_not_found.
    net::awaitable<subscription> get(queue_address source, subscription_id id);
    /// PATCH: any of subscriber, ttl (restarting the lifetime), options. Throws
    /// subscription_not_found, or conflict when the subscriber is another one's.
    net::awaitable<void> update(queue_address source, subscription_id id, boost::json::value body);
    /// Idempotent.
    net::awaitable<void> remove(queue_address source, subscription_id id);
    /// Deletes every subscription of the source (purge with resource_types "subscriptions").
    /// Zaqar deletes only the first page of ten; this deletes them all.
    net::awaitable<void> purge(queue_address source);
    /// PUT .../confirm with {"confirmed": bool}; returns the new state. Throws
    /// subscription_not_found.
    net::awaitable<bool> confirm(queue_address source, subscription_id id, boost::json::value body);

    /// The subscriptions a post to `source` notifies: every live one that is confirmed, or
    /// every live one when require_confirmation is off (Zaqar's notifier skips unconfirmed
    /// subscribers only then). Pages through the store; in creation order.
    net::awaitable<std::vector<subscription>> live_confirmed(queue_address source);

    bool require_confirmation() const { return notification_.require_confirmation; }

    /// Told of every change and of subscriptions created unconfirmed (notifications); set once
    /// by the composition root before serving, or never.
    void set_observer(subscription_observer* observer) { observer_ = observer; }
    /// Creates the trusts of trust+ subscribers (Keystone only); set once before serving, or
    /// never.
    void set_trust_broker(trust_broker* trusts) { trusts_ = trusts; }

private:
    storage::subscription_store& store() { return driver_.subscriptions(); }
    /// Throws throttled_error when `source` has its quota of subscriptions and `subscriber`
    /// is not one of them.
    net::awaitable<void> check_subscription_quota(const queue_address& source,
                                                  const std::string& subscriber);

    storage::data_driver& driver_;
    queue_service& queues_;
    const limits& limits_;
    quota_guard& quotas_;
    const clock& clock_;
    const notification_options notification_;
    subscription_observer* observer_ = nullptr;
    trust_broker* trusts_ = nullptr;
};

}  // namespace marconi::core
