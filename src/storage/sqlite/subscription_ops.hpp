// Marconi. Subscription operations on an SQLite connection (synchronous; run inside a job).
#pragma once

#include "storage/contract/ids.hpp"
#include "storage/contract/subscription_model.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/rows.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace marconi::storage::sqlite::subscription_ops {

// Writer side.
core::subscription_created create_subscription(connection& conn, const core::queue_address& source,
                                               const core::new_subscription& subscription,
                                               millis now);
void update_subscription(connection& conn, const core::queue_address& source,
                         const core::subscription_id& id, const core::subscription_update& update,
                         millis now);
void delete_subscription(connection& conn, const core::queue_address& source,
                         const core::subscription_id& id);
void confirm_subscription(connection& conn, const core::queue_address& source,
                          const core::subscription_id& id, bool confirmed, millis now);
/// Deletes at most `limit` expired subscriptions; returns how many went.
std::int64_t collect_expired(connection& conn, millis now, std::int64_t limit);

// Reader side.
std::vector<core::subscription> list_subscriptions(connection& conn,
                                                   const core::queue_address& source,
                                                   const std::optional<std::string>& marker,
                                                   std::int64_t limit, millis now);
std::optional<core::subscription> get_subscription(connection& conn,
                                                   const core::queue_address& source,
                                                   const core::subscription_id& id, millis now);

}  // namespace marconi::storage::sqlite::subscription_ops
