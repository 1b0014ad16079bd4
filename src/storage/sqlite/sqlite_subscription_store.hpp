// Marconi. Subscriptions in the SQLite message store.
#pragma once

#include "common/clock.hpp"
#include "storage/contract/subscription_store.hpp"
#include "storage/sqlite/database.hpp"

namespace marconi::storage::sqlite {

/// subscription_store over the message store's database: writes are jobs of the group-commit
/// writer (one at a time, which makes the uniqueness check atomic), reads go to the reader
/// pool. Thread-safe; must not outlive the database. Expired rows are never returned and are
/// swept by the driver's garbage collection.
class sqlite_subscription_store final : public subscription_store {
public:
    sqlite_subscription_store(database& db, const clock& clock) : db_(db), clock_(clock) {}

    net::awaitable<core::subscription_created> create_subscription(
        core::queue_address source, core::new_subscription subscription) override;
    net::awaitable<std::vector<core::subscription>> list_subscriptions(
        core::queue_address source, std::optional<std::string> marker, std::int64_t limit) override;
    net::awaitable<std::optional<core::subscription>> get_subscription(
        core::queue_address source, core::subscription_id id) override;
    net::awaitable<void> update_subscription(core::queue_address source, core::subscription_id id,
                                             core::subscription_update update) override;
    net::awaitable<void> delete_subscription(core::queue_address source,
                                             core::subscription_id id) override;
    net::awaitable<void> confirm_subscription(core::queue_address source, core::subscription_id id,
                                              bool confirmed) override;

private:
    /// Read inside each job, as sqlite_driver does, so writes never go back in time.
    std::int64_t now() const { return clock_.now().time_since_epoch().count(); }

    database& db_;
    const clock& clock_;
};

}  // namespace marconi::storage::sqlite
