// Marconi. Subscriptions in the PostgreSQL message store.
#pragma once

#include "common/clock.hpp"
#include "storage/contract/subscription_store.hpp"
#include "storage/postgres/rows.hpp"

namespace marconi::storage::postgres {

class database;

/// Uniqueness per subscriber is the table's UNIQUE constraint; creates and updates are
/// functions of the schema. Thread-safe; must not outlive `db`.
class postgres_subscription_store final : public subscription_store {
public:
    postgres_subscription_store(database& db, const clock& clock) : db_(db), clock_(clock) {}

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
    millis now() const { return to_millis(clock_.now()); }

    database& db_;
    const clock& clock_;
};

}  // namespace marconi::storage::postgres
