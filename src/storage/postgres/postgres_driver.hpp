// Marconi. The PostgreSQL message store (postgresql://): every write is one call of a function
// of the schema (schema.cpp), group-committed with other callers' writes; reads are plain
// SELECTs pipelined on reader connections.
#pragma once

#include "common/clock.hpp"
#include "storage/contract/driver.hpp"
#include "storage/postgres/database.hpp"
#include "storage/postgres/postgres_subscription_store.hpp"
#include "storage/postgres/postgres_uri.hpp"
#include "storage/postgres/rows.hpp"

#include <memory>

namespace marconi::storage::postgres {

class postgres_driver final : public data_driver {
public:
    /// Migrates the schema first (blocking); throws std::runtime_error when that fails.
    postgres_driver(const postgres_settings& settings, const clock& clock);

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

    subscription_store& subscriptions() override { return subscriptions_; }

    net::awaitable<std::int64_t> collect_garbage() override;
    net::awaitable<bool> ping() override;
    std::vector<std::string> capabilities() const override;

private:
    millis now() const { return to_millis(clock_.now()); }

    const clock& clock_;
    database db_;
    postgres_subscription_store subscriptions_;
};

}  // namespace marconi::storage::postgres
