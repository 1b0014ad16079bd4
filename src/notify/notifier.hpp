// Marconi. The enqueue side of notifications: message_service reports each committed post
// (core::post_observer) and this turns it into one outbox job per (live subscription, message),
// durably, before the post returns. Sources without subscriptions are remembered, so posting to
// them costs one cache lookup.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/expiring_cache.hpp"
#include "core/post_observer.hpp"
#include "core/subscription_observer.hpp"
#include "core/subscription_service.hpp"
#include "notify/dispatcher.hpp"
#include "notify/options.hpp"
#include "storage/contract/driver.hpp"
#include "storage/contract/subscription_model.hpp"

namespace marconi::notify {

/// Thread-safe; shared by all io threads.
class notifier final : public core::post_observer, public core::subscription_observer {
public:
    notifier(storage::data_driver& driver, core::subscription_service& subscriptions,
             dispatcher& dispatcher, const clock& clock, const options& options)
        : driver_(driver),
          subscriptions_(subscriptions),
          dispatcher_(dispatcher),
          clock_(clock),
          options_(options),
          cache_(clock, options.subscription_cache_age, cache_capacity, when_full::clear) {}

    net::awaitable<bool> watches(core::queue_address source) override;
    net::awaitable<void> messages_posted(core::queue_address source,
                                         std::vector<core::posted_message> messages) override;

    /// The next post to `source` reads its subscription list again.
    void subscriptions_changed(const core::queue_address& source) override;

    /// Spec 8.4: queues the SubscriptionConfirmation (or UnsubscribeConfirmation), signed for
    /// PUT on the subscription's confirm path until `expires`. Nothing unless confirmation is
    /// required; only logged without a secret key, as in Zaqar.
    net::awaitable<void> confirmation_needed(core::queue_address source, core::subscription_id id,
                                             std::string subscriber, time_point expires,
                                             bool unsubscribed) override;

private:
    using subscription_list = std::vector<core::subscription>;

    net::awaitable<std::shared_ptr<const subscription_list>> live_subscriptions(
        core::queue_address source);
    net::awaitable<void> enqueue(std::vector<core::new_message> jobs);

    static constexpr std::size_t cache_capacity = 16384;

    storage::data_driver& driver_;
    core::subscription_service& subscriptions_;
    dispatcher& dispatcher_;
    const clock& clock_;
    const options& options_;
    /// Live subscriptions by source (key_of); a change made through this process erases.
    expiring_cache<std::string, std::shared_ptr<const subscription_list>> cache_;
};

}  // namespace marconi::notify
