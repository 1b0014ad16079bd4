// Marconi. The storage contract for subscriptions: every message-store driver keeps them with
// the queues they belong to (as Zaqar does), so a pooled deployment finds a queue's
// subscriptions on the queue's pool.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/contract/subscription_model.hpp"

namespace marconi::storage {

namespace net = boost::asio;

/// Subscriptions of one source (a queue, or a topic through core::topic_address). Same rules as
/// data_driver: safe from any thread, durable when the awaitable completes, expired ones are
/// never returned (checked against the injected clock), everything scoped by project.
/// Subscriptions do not need their source queue to exist, and deleting the queue leaves them.
/// An expired subscription frees its subscriber at once (a create or update may take it).
class subscription_store {
public:
    virtual ~subscription_store() = default;

    /// Stores a new subscription unless a live one of this source has the same subscriber, in
    /// which case nothing changes and the existing one is described (created == false).
    virtual net::awaitable<core::subscription_created> create_subscription(
        core::queue_address source, core::new_subscription subscription) = 0;
    /// A page of live subscriptions in creation order, after `marker` (an id of a previous
    /// page, live or not; a malformed one is errc::invalid_request). Ids are opaque and chosen
    /// by the driver.
    virtual net::awaitable<std::vector<core::subscription>> list_subscriptions(
        core::queue_address source, std::optional<std::string> marker, std::int64_t limit) = 0;
    /// nullopt when unknown, malformed or expired.
    virtual net::awaitable<std::optional<core::subscription>> get_subscription(
        core::queue_address source, core::subscription_id id) = 0;
    /// Throws subscription_not_found, or conflict when the new subscriber is another live
    /// subscription's of this source.
    virtual net::awaitable<void> update_subscription(core::queue_address source,
                                                     core::subscription_id id,
                                                     core::subscription_update update) = 0;
    /// Idempotent.
    virtual net::awaitable<void> delete_subscription(core::queue_address source,
                                                     core::subscription_id id) = 0;
    /// Sets the confirmed flag. Throws subscription_not_found.
    virtual net::awaitable<void> confirm_subscription(core::queue_address source,
                                                      core::subscription_id id, bool confirmed) = 0;
};

}  // namespace marconi::storage
