// Marconi. The data driver of a pooled deployment: each queue lives in one pool (a message store
// of its own), the catalog in the control store says which, and every call goes there.
#pragma once

#include "common/clock.hpp"
#include "common/expiring_cache.hpp"
#include "storage/contract/control_store.hpp"
#include "storage/contract/driver.hpp"
#include "storage/pooled/placement.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>

namespace marconi::storage::pooled {

/// Thread-safe. Queues not in the catalog are read from the default store (the configured
/// storage.uri, Zaqar's "virtual pool"), so a deployment that turns pooling on keeps its
/// queues: the first write to such a queue registers it there.
///
/// New queues (PUT, or the first POST to an unknown name) are placed by `placement_mode` among
/// the pools of the queue's `_flavor` (the pools without a flavor when it has none), or in the
/// default store when no pool qualifies. What this head read from the control store (catalog
/// entries, the pool list) is trusted for `cache_age`: another head's changes show within it.
///
/// Subscriptions live in the store of their source queue (pooled_subscriptions.cpp).
class pooled_driver final : public data_driver, private subscription_store {
public:
    /// Opens the message store of a pool from its URI (make_driver in production).
    using driver_factory = std::function<std::unique_ptr<data_driver>(const std::string& uri)>;

    struct options {
        placement_mode placement = placement_mode::weighted;
        std::chrono::milliseconds cache_age{5000};
    };

    pooled_driver(control_store& control, std::unique_ptr<data_driver> default_store,
                  driver_factory open_pool, const clock& clock, options opts);

    net::awaitable<bool> create_queue(core::queue_address queue,
                                      std::string metadata_json) override;
    net::awaitable<std::optional<core::queue_record>> get_queue(core::queue_address queue) override;
    net::awaitable<void> set_queue_metadata(core::queue_address queue,
                                            std::string metadata_json) override;
    net::awaitable<void> delete_queue(core::queue_address queue) override;
    net::awaitable<std::vector<core::queue_record>> list_queues(
        core::project_id project, core::queue_list_options options) override;
    net::awaitable<std::int64_t> count_queues(core::project_id project) override;
    net::awaitable<core::queue_stats> get_queue_stats(core::queue_address queue) override;
    net::awaitable<void> purge_messages(core::queue_address queue) override;

    net::awaitable<std::vector<core::message_id>> post_messages(
        core::queue_address queue, core::client_id client,
        std::vector<core::new_message> batch) override;
    net::awaitable<core::message_page> list_messages(core::queue_address queue,
                                                     core::message_list_options options) override;
    net::awaitable<std::vector<core::message>> get_messages(
        core::queue_address queue, std::vector<core::message_id> ids) override;
    net::awaitable<void> delete_message(core::queue_address queue, core::message_id id,
                                        std::optional<core::claim_id> claim) override;
    net::awaitable<void> delete_messages(
        core::queue_address queue, std::vector<core::message_id> ids,
        std::optional<std::vector<core::claim_id>> claims) override;
    net::awaitable<std::vector<core::message>> pop_messages(core::queue_address queue,
                                                            std::int64_t limit) override;

    net::awaitable<std::optional<core::claim>> create_claim(
        core::queue_address queue, core::claim_options options,
        std::optional<core::dead_letter_policy> dead_letter) override;
    net::awaitable<core::claim> get_claim(core::queue_address queue, core::claim_id id) override;
    net::awaitable<void> update_claim(core::queue_address queue, core::claim_id id,
                                      std::int64_t ttl, std::int64_t grace) override;
    net::awaitable<void> delete_claim(core::queue_address queue, core::claim_id id) override;

    subscription_store& subscriptions() override { return *this; }

    net::awaitable<std::int64_t> collect_garbage() override;
    net::awaitable<bool> ping() override;
    std::vector<std::string> capabilities() const override;

    /// The pool's message store, opened on first use (and again when its URI changes).
    /// Throws core::error{unavailable} when the pool is not in the control store.
    net::awaitable<data_driver*> pool_store(std::string pool);
    /// Forgets what this head cached about pools (after an admin change through this head).
    void forget_pools();

private:
    // subscription_store, routed to the source's store.
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

    struct open_pool {
        std::string uri;
        std::unique_ptr<data_driver> store;
    };

    /// The store holding `queue`: its pool's, or the default store when it is not registered.
    net::awaitable<data_driver*> store_of(core::queue_address queue);
    /// The store for a write that may create `queue`: registers it first when needed.
    net::awaitable<std::pair<std::string, data_driver*>> store_for_new(
        core::queue_address queue, std::optional<std::string> flavor);
    net::awaitable<std::optional<std::string>> lookup(core::queue_address queue);
    net::awaitable<std::vector<core::pool_record>> pools();
    net::awaitable<std::vector<data_driver*>> all_stores();
    data_driver* store_named(const std::string& pool, const std::string& uri);
    std::string choose_pool(const std::vector<core::pool_record>& pools,
                            const core::queue_address& queue,
                            const std::optional<std::string>& flavor);
    void remember(const core::queue_address& queue, const std::string& pool);
    void forget(const core::queue_address& queue);

    control_store& control_;
    std::unique_ptr<data_driver> default_store_;
    driver_factory open_pool_;
    const clock& clock_;
    const options options_;
    /// Queue (key_of) -> its pool, for options_.cache_age.
    expiring_cache<std::string, std::string> catalog_cache_;

    std::mutex mutex_;
    std::vector<core::pool_record> pools_cache_;  // guarded by mutex_
    time_point pools_expire_{};                   // guarded by mutex_
    std::map<std::string, open_pool> open_;       // guarded by mutex_
    /// Stores whose pool changed URI: kept until the end, a call may still be using one.
    std::vector<std::unique_ptr<data_driver>> retired_;  // guarded by mutex_
    std::mt19937_64 random_{std::random_device{}()};     // guarded by mutex_
};

}  // namespace marconi::storage::pooled
