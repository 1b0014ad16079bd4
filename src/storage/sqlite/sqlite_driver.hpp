// Marconi. The embedded SQLite message store.
#pragma once

#include "common/clock.hpp"
#include "storage/contract/driver.hpp"
#include "storage/contract/options.hpp"
#include "storage/sqlite/database.hpp"
#include "storage/sqlite/sqlite_subscription_store.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace marconi::storage::sqlite {

/// data_driver over one SQLite file in WAL mode. Writes go to the group-commit writer thread,
/// reads to a pool of reader threads; each call resumes the awaiting coroutine on its own
/// executor. Thread-safe. `now` is read from the clock inside each job, on the thread that runs
/// it, so a write never observes a time earlier than one already committed by an earlier batch.
/// The destructor finishes queued work, so callers must not start new calls once it has begun.
class sqlite_driver final : public data_driver {
public:
    struct options {
        std::string path;
        sync_mode sync = sync_mode::full;
        int read_threads = 2;
        /// Delete the database files when the driver closes (the `:memory:` store).
        bool temporary = false;
    };

    /// Opens (creating and migrating) the database. Throws std::runtime_error when unusable.
    sqlite_driver(options opts, const clock& clock);
    ~sqlite_driver() override;

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
    std::int64_t now() const { return clock_.now().time_since_epoch().count(); }
    template <class Fn>
    auto write(Fn fn) {
        return db_->write(std::move(fn));
    }
    template <class Fn>
    auto read(Fn fn) {
        return db_->read(std::move(fn));
    }

    const clock& clock_;
    const options options_;
    std::unique_ptr<database> db_;
    std::unique_ptr<sqlite_subscription_store> subscriptions_;
};

}  // namespace marconi::storage::sqlite
