// Marconi. Pooled subscriptions: each call goes to the store of the source queue's pool, as
// Zaqar's pooled subscription controller does.
#include "storage/pooled/pooled_driver.hpp"

namespace marconi::storage::pooled {

net::awaitable<core::subscription_created> pooled_driver::create_subscription(
    core::queue_address source, core::new_subscription subscription) {
    // A write that may be the source's first: registers it like a post would.
    auto [pool, store] = co_await store_for_new(source, std::nullopt);
    co_return co_await store->subscriptions().create_subscription(std::move(source),
                                                                  std::move(subscription));
}

net::awaitable<std::vector<core::subscription>> pooled_driver::list_subscriptions(
    core::queue_address source, std::optional<std::string> marker, std::int64_t limit) {
    auto* store = co_await store_of(source);
    co_return co_await store->subscriptions().list_subscriptions(std::move(source),
                                                                 std::move(marker), limit);
}

net::awaitable<std::optional<core::subscription>> pooled_driver::get_subscription(
    core::queue_address source, core::subscription_id id) {
    auto* store = co_await store_of(source);
    co_return co_await store->subscriptions().get_subscription(std::move(source), std::move(id));
}

net::awaitable<void> pooled_driver::update_subscription(core::queue_address source,
                                                        core::subscription_id id,
                                                        core::subscription_update update) {
    auto* store = co_await store_of(source);
    co_await store->subscriptions().update_subscription(std::move(source), std::move(id),
                                                        std::move(update));
}

net::awaitable<void> pooled_driver::delete_subscription(core::queue_address source,
                                                        core::subscription_id id) {
    auto* store = co_await store_of(source);
    co_await store->subscriptions().delete_subscription(std::move(source), std::move(id));
}

net::awaitable<void> pooled_driver::confirm_subscription(core::queue_address source,
                                                         core::subscription_id id, bool confirmed) {
    auto* store = co_await store_of(source);
    co_await store->subscriptions().confirm_subscription(std::move(source), std::move(id),
                                                         confirmed);
}

}  // namespace marconi::storage::pooled
