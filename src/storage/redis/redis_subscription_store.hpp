// Marconi. Subscriptions in the Redis message store.
#pragma once

#include "common/clock.hpp"
#include "storage/contract/subscription_store.hpp"
#include "storage/redis/keys.hpp"
#include "storage/redis/lua_script.hpp"

namespace marconi::storage::redis {

/// subscription_store over subscription_scripts: each call is one script on the source's slot,
/// so uniqueness per subscriber is atomic on Redis Cluster too. Time comes from `clock`.
/// Thread-safe; must not outlive the client.
class redis_subscription_store final : public subscription_store {
public:
    redis_subscription_store(client& redis, key_space keys, const clock& clock, int wait_replicas)
        : redis_(redis), keys_(std::move(keys)), clock_(clock), wait_replicas_(wait_replicas) {}

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
    /// Runs `script` on the source's keys with ARGV = now, args...; domain errors are thrown
    /// (`id` names the subscription in subscription_not_found).
    net::awaitable<reply> eval(const lua_script& script, const core::queue_address& source,
                               const core::subscription_id& id, std::vector<std::string> args);

    client& redis_;
    key_space keys_;
    const clock& clock_;
    const int wait_replicas_;
};

}  // namespace marconi::storage::redis
