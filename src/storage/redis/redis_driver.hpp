// Marconi. The Redis message store (redis://, redis+cluster://): every multi-key step is one
// Lua script on the queue's slot; see scripts.hpp for the data layout.
#pragma once

#include "common/clock.hpp"
#include "storage/contract/driver.hpp"
#include "storage/redis/client.hpp"
#include "storage/redis/keys.hpp"
#include "storage/redis/redis_subscription_store.hpp"
#include "storage/redis/redis_uri.hpp"
#include "storage/redis/scripts.hpp"

#include <memory>

namespace marconi::storage::redis {

class redis_driver final : public data_driver {
public:
    redis_driver(redis_settings settings, const clock& clock);

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

    subscription_store& subscriptions() override { return *subscriptions_; }

    net::awaitable<std::int64_t> collect_garbage() override;
    net::awaitable<bool> ping() override;
    std::vector<std::string> capabilities() const override;

private:
    /// Runs `script` on the queue's keys with ARGV = now, args...; domain errors are thrown.
    net::awaitable<reply> eval(const scripts::script& script, core::queue_address queue,
                               std::vector<std::string> args);
    /// Adds the queue to its project's index (and the project to the global set).
    net::awaitable<void> index_queue(core::queue_address queue);
    net::awaitable<void> deliver_dead_letters(core::queue_address source,
                                              core::queue_address target);
    net::awaitable<std::int64_t> collect_project_garbage(core::project_id project);
    /// Up to `count` queue names of a project index, in name order, after `after`.
    net::awaitable<std::vector<std::string>> index_page_after(std::string index,
                                                              std::optional<std::string> after,
                                                              std::int64_t count);
    std::string now_ms() const;

    const clock& clock_;
    key_space keys_;
    const int wait_replicas_;
    std::unique_ptr<client> client_;
    std::unique_ptr<redis_subscription_store> subscriptions_;  // uses client_
};

}  // namespace marconi::storage::redis
