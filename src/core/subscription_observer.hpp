// Marconi. What the subscription service tells the notification machinery (src/notify), so
// that core does not depend on it.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

#include "common/clock.hpp"
#include "storage/contract/ids.hpp"

namespace marconi::core {

namespace net = boost::asio;

/// Implementations are safe to call from any io thread at once.
class subscription_observer {
public:
    virtual ~subscription_observer() = default;

    /// A subscription of `source` was created, changed or deleted through this server.
    virtual void subscriptions_changed(const queue_address& source) = 0;

    /// A subscription was created (or re-created) unconfirmed: send it a
    /// SubscriptionConfirmation (spec 8.4); or, `unsubscribed`, it was just confirmed false:
    /// send an UnsubscribeConfirmation. The signed confirm link is valid until `expires`.
    /// Durable when it completes.
    virtual net::awaitable<void> confirmation_needed(queue_address source, subscription_id id,
                                                     std::string subscriber, time_point expires,
                                                     bool unsubscribed) = 0;
};

}  // namespace marconi::core
