// Marconi. The embedded SQLite message store: opening, threading, and dispatch to the ops.
#include "storage/sqlite/sqlite_driver.hpp"

#include "storage/contract/error.hpp"
#include "storage/sqlite/claim_ops.hpp"
#include "storage/sqlite/maintenance_ops.hpp"
#include "storage/sqlite/message_ops.hpp"
#include "storage/sqlite/queue_ops.hpp"
#include "storage/sqlite/schema.hpp"
#include "storage/sqlite/subscription_ops.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

namespace marconi::storage::sqlite {

namespace {

// Expired rows removed per writer transaction during garbage collection.
constexpr std::int64_t gc_batch = 1000;

}  // namespace

sqlite_driver::sqlite_driver(options opts, const clock& clock)
    : clock_(clock), options_(std::move(opts)) {
    db_ = std::make_unique<database>(
        database::options{options_.path, options_.sync, options_.read_threads}, &migrate);
    subscriptions_ = std::make_unique<sqlite_subscription_store>(*db_, clock_);
    spdlog::info("sqlite: opened {} ({} readers)", options_.path, options_.read_threads);
}

sqlite_driver::~sqlite_driver() {
    // Join the threads (finishing queued work) before the files can go.
    subscriptions_.reset();
    db_.reset();
    if (options_.temporary) {
        std::error_code ignored;
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
            std::filesystem::remove(options_.path + suffix, ignored);
        }
    }
}

net::awaitable<bool> sqlite_driver::create_queue(core::queue_address queue,
                                                 std::string metadata_json) {
    return write([this, queue = std::move(queue), meta = std::move(metadata_json)](connection& c) {
        return queue_ops::create_queue(c, queue, meta, now());
    });
}

net::awaitable<std::optional<core::queue_record>> sqlite_driver::get_queue(
    core::queue_address queue) {
    return read(
        [queue = std::move(queue)](connection& c) { return queue_ops::get_queue(c, queue); });
}

net::awaitable<void> sqlite_driver::set_queue_metadata(core::queue_address queue,
                                                       std::string metadata_json) {
    return write([queue = std::move(queue), meta = std::move(metadata_json)](connection& c) {
        queue_ops::set_queue_metadata(c, queue, meta);
    });
}

net::awaitable<void> sqlite_driver::delete_queue(core::queue_address queue) {
    return write([queue = std::move(queue)](connection& c) { queue_ops::delete_queue(c, queue); });
}

net::awaitable<std::vector<core::queue_record>> sqlite_driver::list_queues(
    core::project_id project, core::queue_list_options options) {
    return read([project = std::move(project), options = std::move(options)](connection& c) {
        return queue_ops::list_queues(c, project, options);
    });
}

net::awaitable<std::int64_t> sqlite_driver::count_queues(core::project_id project) {
    return read([project = std::move(project)](connection& c) {
        return queue_ops::count_queues(c, project);
    });
}

net::awaitable<core::queue_stats> sqlite_driver::get_queue_stats(core::queue_address queue) {
    return read([this, queue = std::move(queue)](connection& c) {
        return queue_ops::get_queue_stats(c, queue, now());
    });
}

net::awaitable<void> sqlite_driver::purge_messages(core::queue_address queue) {
    return write(
        [queue = std::move(queue)](connection& c) { queue_ops::purge_messages(c, queue); });
}

net::awaitable<std::vector<core::message_id>> sqlite_driver::post_messages(
    core::queue_address queue, core::client_id client, std::vector<core::new_message> batch) {
    return write([this, queue = std::move(queue), client = std::move(client),
                  batch = std::move(batch)](connection& c) {
        return message_ops::post_messages(c, queue, client, batch, now());
    });
}

net::awaitable<core::message_page> sqlite_driver::list_messages(
    core::queue_address queue, core::message_list_options options) {
    return read([this, queue = std::move(queue), options = std::move(options)](connection& c) {
        return message_ops::list_messages(c, queue, options, now());
    });
}

net::awaitable<std::vector<core::message>> sqlite_driver::get_messages(
    core::queue_address queue, std::vector<core::message_id> ids) {
    return read([this, queue = std::move(queue), ids = std::move(ids)](connection& c) {
        return message_ops::get_messages(c, queue, ids, now());
    });
}

net::awaitable<void> sqlite_driver::delete_message(core::queue_address queue, core::message_id id,
                                                   std::optional<core::claim_id> claim) {
    return write([this, queue = std::move(queue), id = std::move(id), claim = std::move(claim)](
                     connection& c) { message_ops::delete_message(c, queue, id, claim, now()); });
}

net::awaitable<void> sqlite_driver::delete_messages(
    core::queue_address queue, std::vector<core::message_id> ids,
    std::optional<std::vector<core::claim_id>> claims) {
    return write([this, queue = std::move(queue), ids = std::move(ids),
                  claims = std::move(claims)](connection& c) {
        message_ops::delete_messages(c, queue, ids, claims, now());
    });
}

net::awaitable<std::vector<core::message>> sqlite_driver::pop_messages(core::queue_address queue,
                                                                       std::int64_t limit) {
    return write([this, queue = std::move(queue), limit](connection& c) {
        return message_ops::pop_messages(c, queue, limit, now());
    });
}

net::awaitable<std::optional<core::claim>> sqlite_driver::create_claim(
    core::queue_address queue, core::claim_options options,
    std::optional<core::dead_letter_policy> dead_letter) {
    return write([this, queue = std::move(queue), options,
                  dead_letter = std::move(dead_letter)](connection& c) {
        return claim_ops::create_claim(c, queue, options, dead_letter, now());
    });
}

net::awaitable<core::claim> sqlite_driver::get_claim(core::queue_address queue, core::claim_id id) {
    return read([this, queue = std::move(queue), id = std::move(id)](connection& c) {
        return claim_ops::get_claim(c, queue, id, now());
    });
}

net::awaitable<void> sqlite_driver::update_claim(core::queue_address queue, core::claim_id id,
                                                 std::int64_t ttl, std::int64_t grace) {
    return write([this, queue = std::move(queue), id = std::move(id), ttl, grace](connection& c) {
        claim_ops::update_claim(c, queue, id, ttl, grace, now());
    });
}

net::awaitable<void> sqlite_driver::delete_claim(core::queue_address queue, core::claim_id id) {
    return write([queue = std::move(queue), id = std::move(id)](connection& c) {
        claim_ops::delete_claim(c, queue, id);
    });
}

net::awaitable<std::int64_t> sqlite_driver::collect_garbage() {
    // One bounded batch per writer transaction, so posts queued meanwhile are not held up.
    std::int64_t removed = 0;
    for (;;) {
        auto batch = co_await write([this](connection& c) {
            return maintenance_ops::collect_garbage_batch(c, now(), gc_batch);
        });
        removed += batch.messages + batch.claims;
        if (batch.messages < gc_batch && batch.claims < gc_batch) break;
    }
    for (;;) {
        const auto batch = co_await write([this](connection& c) {
            return subscription_ops::collect_expired(c, now(), gc_batch);
        });
        removed += batch;
        if (batch < gc_batch) co_return removed;
    }
}

net::awaitable<bool> sqlite_driver::ping() {
    try {
        co_return co_await read([](connection& c) { return maintenance_ops::ping(c); });
    } catch (const core::error&) {
        co_return false;
    }
}

std::vector<std::string> sqlite_driver::capabilities() const {
    // Durable with sync = full or normal (a commit survives kill -9).
    return {"FIFO", "CLAIMS", "DURABILITY", "AOD"};
}

}  // namespace marconi::storage::sqlite
