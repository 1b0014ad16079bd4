// Marconi. Subscriptions in the SQLite message store: dispatch to subscription_ops.
#include "storage/sqlite/sqlite_subscription_store.hpp"

#include "storage/sqlite/subscription_ops.hpp"

namespace marconi::storage::sqlite {

net::awaitable<core::subscription_created> sqlite_subscription_store::create_subscription(
    core::queue_address source, core::new_subscription subscription) {
    return db_.write(
        [this, source = std::move(source), subscription = std::move(subscription)](connection& c) {
            return subscription_ops::create_subscription(c, source, subscription, now());
        });
}

net::awaitable<std::vector<core::subscription>> sqlite_subscription_store::list_subscriptions(
    core::queue_address source, std::optional<std::string> marker, std::int64_t limit) {
    return db_.read(
        [this, source = std::move(source), marker = std::move(marker), limit](connection& c) {
            return subscription_ops::list_subscriptions(c, source, marker, limit, now());
        });
}

net::awaitable<std::optional<core::subscription>> sqlite_subscription_store::get_subscription(
    core::queue_address source, core::subscription_id id) {
    return db_.read([this, source = std::move(source), id = std::move(id)](connection& c) {
        return subscription_ops::get_subscription(c, source, id, now());
    });
}

net::awaitable<void> sqlite_subscription_store::update_subscription(
    core::queue_address source, core::subscription_id id, core::subscription_update update) {
    return db_.write([this, source = std::move(source), id = std::move(id),
                      update = std::move(update)](connection& c) {
        subscription_ops::update_subscription(c, source, id, update, now());
    });
}

net::awaitable<void> sqlite_subscription_store::delete_subscription(core::queue_address source,
                                                                    core::subscription_id id) {
    return db_.write([source = std::move(source), id = std::move(id)](connection& c) {
        subscription_ops::delete_subscription(c, source, id);
    });
}

net::awaitable<void> sqlite_subscription_store::confirm_subscription(core::queue_address source,
                                                                     core::subscription_id id,
                                                                     bool confirmed) {
    return db_.write(
        [this, source = std::move(source), id = std::move(id), confirmed](connection& c) {
            subscription_ops::confirm_subscription(c, source, id, confirmed, now());
        });
}

}  // namespace marconi::storage::sqlite
