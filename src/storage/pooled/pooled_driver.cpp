// Marconi. Routing each call to the queue's pool.
#include "storage/pooled/pooled_driver.hpp"

#include "common/json_depth.hpp"
#include "common/project_key.hpp"
#include "storage/contract/error.hpp"
#include "storage/contract/redacted_uri.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace marconi::storage::pooled {

namespace {

/// Catalog entries a head remembers; past this the cache starts over (hot queues come back).
constexpr std::size_t catalog_cache_capacity = 65536;

/// `_flavor` of a queue's metadata, if it names one.
std::optional<std::string> flavor_of(const std::string& metadata_json) {
    boost::system::error_code ec;
    auto metadata = parse_own_json(metadata_json, ec);
    if (ec || !metadata.is_object()) return std::nullopt;
    const auto* flavor = metadata.get_object().if_contains("_flavor");
    if (!flavor || !flavor->is_string() || flavor->get_string().empty()) return std::nullopt;
    return std::string{flavor->get_string()};
}

}  // namespace

pooled_driver::pooled_driver(control_store& control, std::unique_ptr<data_driver> default_store,
                             driver_factory open_pool, const clock& clock, options opts)
    : control_(control),
      default_store_(std::move(default_store)),
      open_pool_(std::move(open_pool)),
      clock_(clock),
      options_(opts),
      catalog_cache_(clock, opts.cache_age, catalog_cache_capacity, when_full::clear) {}

void pooled_driver::remember(const core::queue_address& queue, const std::string& pool) {
    catalog_cache_.insert(key_of(queue.project.value(), queue.name.value()), pool);
}

void pooled_driver::forget(const core::queue_address& queue) {
    catalog_cache_.erase(key_of(queue.project.value(), queue.name.value()));
}

void pooled_driver::forget_pools() {
    std::lock_guard lock(mutex_);
    pools_expire_ = {};
}

net::awaitable<std::optional<std::string>> pooled_driver::lookup(core::queue_address queue) {
    if (auto pool = catalog_cache_.find(key_of(queue.project.value(), queue.name.value()))) {
        co_return std::move(*pool);
    }
    auto pool = co_await control_.lookup(queue);
    if (pool) remember(queue, *pool);
    co_return pool;
}

net::awaitable<std::vector<core::pool_record>> pooled_driver::pools() {
    {
        std::lock_guard lock(mutex_);
        if (pools_expire_ > clock_.now()) co_return pools_cache_;
    }
    auto all = co_await all_pools(control_);
    std::lock_guard lock(mutex_);
    pools_cache_ = all;
    pools_expire_ = clock_.now() + options_.cache_age;
    co_return all;
}

data_driver* pooled_driver::store_named(const std::string& pool, const std::string& uri) {
    std::lock_guard lock(mutex_);
    auto& slot = open_[pool];
    if (slot.store && slot.uri == uri) return slot.store.get();
    if (slot.store) retired_.push_back(std::move(slot.store));
    slot.store = open_pool_(uri);
    slot.uri = uri;
    spdlog::info("pooling: opened pool {} ({})", pool, redacted_uri(uri));
    return slot.store.get();
}

net::awaitable<data_driver*> pooled_driver::pool_store(std::string pool) {
    if (pool == core::default_pool_name) co_return default_store_.get();
    const auto known = co_await pools();
    for (const auto& p : known) {
        if (p.name == pool) co_return store_named(p.name, p.uri);
    }
    // Not in this head's copy of the list: it may be new, so ask the control store itself.
    auto record = co_await control_.get_pool(pool);
    if (!record) {
        spdlog::error("pooling: the catalog names pool '{}', which does not exist", pool);
        throw core::error{core::errc::unavailable,
                          "The queue's pool is not available right now; try again."};
    }
    forget_pools();
    co_return store_named(record->name, record->uri);
}

net::awaitable<data_driver*> pooled_driver::store_of(core::queue_address queue) {
    auto pool = co_await lookup(queue);
    if (!pool) co_return default_store_.get();
    co_return co_await pool_store(std::move(*pool));
}

std::string pooled_driver::choose_pool(const std::vector<core::pool_record>& pools,
                                       const core::queue_address& queue,
                                       const std::optional<std::string>& flavor) {
    const auto eligible = candidates(pools, flavor);
    std::optional<std::string> choice;
    if (options_.placement == placement_mode::hash) {
        choice = pick_by_hash(eligible, queue);
    } else {
        std::lock_guard lock(mutex_);
        choice = pick_weighted_random(eligible, random_);
    }
    if (choice) return *choice;
    if (flavor) {
        throw core::error{core::errc::invalid_request,
                          "No pool serves the flavor '" + *flavor + "'."};
    }
    return core::default_pool_name;
}

net::awaitable<std::pair<std::string, data_driver*>> pooled_driver::store_for_new(
    core::queue_address queue, std::optional<std::string> flavor) {
    auto pool = co_await lookup(queue);
    if (!pool) {
        // A queue of the default store from before pooling (or before its first pool) stays.
        auto legacy = co_await default_store_->get_queue(queue);
        std::string choice = core::default_pool_name;
        if (!legacy) {
            const auto known = co_await pools();
            choice = choose_pool(known, queue, flavor);
        }
        pool = co_await control_.register_queue(queue, std::move(choice));
        remember(queue, *pool);
    }
    auto* store = co_await pool_store(*pool);
    co_return std::pair{std::move(*pool), store};
}

net::awaitable<std::vector<data_driver*>> pooled_driver::all_stores() {
    std::vector<data_driver*> stores{default_store_.get()};
    const auto known = co_await pools();
    for (const auto& p : known) stores.push_back(store_named(p.name, p.uri));
    co_return stores;
}

// --- queues ---------------------------------------------------------------------------------

net::awaitable<bool> pooled_driver::create_queue(core::queue_address queue,
                                                 std::string metadata_json) {
    auto flavor = flavor_of(metadata_json);
    auto [pool, store] = co_await store_for_new(queue, std::move(flavor));
    co_return co_await store->create_queue(std::move(queue), std::move(metadata_json));
}

net::awaitable<std::optional<core::queue_record>> pooled_driver::get_queue(
    core::queue_address queue) {
    auto* store = co_await store_of(queue);
    co_return co_await store->get_queue(std::move(queue));
}

net::awaitable<void> pooled_driver::set_queue_metadata(core::queue_address queue,
                                                       std::string metadata_json) {
    auto* store = co_await store_of(queue);
    co_await store->set_queue_metadata(std::move(queue), std::move(metadata_json));
}

net::awaitable<void> pooled_driver::delete_queue(core::queue_address queue) {
    auto* store = co_await store_of(queue);
    co_await store->delete_queue(queue);
    // Subscriptions outlive their queue and are found through the catalog: while any remain,
    // the entry stays (a later create of the queue reuses it).
    const auto remaining =
        co_await store->subscriptions().list_subscriptions(queue, std::nullopt, 1);
    if (!remaining.empty()) co_return;
    // Unregistered last: a crash in between leaves a catalog entry for an empty name, which
    // the next create reuses, rather than a queue the catalog has lost.
    co_await control_.unregister_queue(queue);
    forget(queue);
}

net::awaitable<std::vector<core::queue_record>> pooled_driver::list_queues(
    core::project_id project, core::queue_list_options options) {
    // Every store's first page after the marker, merged by name: the smallest `limit` names
    // of the union are among them.
    std::vector<core::queue_record> merged;
    const auto stores = co_await all_stores();
    for (auto* store : stores) {
        auto page = co_await store->list_queues(project, options);
        merged.insert(merged.end(), std::make_move_iterator(page.begin()),
                      std::make_move_iterator(page.end()));
    }
    std::sort(merged.begin(), merged.end(),
              [](const auto& a, const auto& b) { return a.name.value() < b.name.value(); });
    merged.erase(std::unique(merged.begin(), merged.end(),
                             [](const auto& a, const auto& b) { return a.name == b.name; }),
                 merged.end());
    if (static_cast<std::int64_t>(merged.size()) > options.limit) {
        merged.resize(static_cast<std::size_t>(std::max<std::int64_t>(options.limit, 0)));
    }
    co_return merged;
}

net::awaitable<std::int64_t> pooled_driver::count_queues(core::project_id project) {
    std::int64_t total = 0;
    const auto stores = co_await all_stores();
    for (auto* store : stores) total += co_await store->count_queues(project);
    co_return total;
}

net::awaitable<core::queue_stats> pooled_driver::get_queue_stats(core::queue_address queue) {
    auto* store = co_await store_of(queue);
    co_return co_await store->get_queue_stats(std::move(queue));
}

net::awaitable<void> pooled_driver::purge_messages(core::queue_address queue) {
    auto* store = co_await store_of(queue);
    co_await store->purge_messages(std::move(queue));
}

// --- messages -------------------------------------------------------------------------------

net::awaitable<std::vector<core::message_id>> pooled_driver::post_messages(
    core::queue_address queue, core::client_id client, std::vector<core::new_message> batch) {
    auto [pool, store] = co_await store_for_new(queue, std::nullopt);
    co_return co_await store->post_messages(std::move(queue), std::move(client), std::move(batch));
}

net::awaitable<core::message_page> pooled_driver::list_messages(
    core::queue_address queue, core::message_list_options options) {
    auto* store = co_await store_of(queue);
    co_return co_await store->list_messages(std::move(queue), std::move(options));
}

net::awaitable<std::vector<core::message>> pooled_driver::get_messages(
    core::queue_address queue, std::vector<core::message_id> ids) {
    auto* store = co_await store_of(queue);
    co_return co_await store->get_messages(std::move(queue), std::move(ids));
}

net::awaitable<void> pooled_driver::delete_message(core::queue_address queue, core::message_id id,
                                                   std::optional<core::claim_id> claim) {
    auto* store = co_await store_of(queue);
    co_await store->delete_message(std::move(queue), std::move(id), std::move(claim));
}

net::awaitable<void> pooled_driver::delete_messages(
    core::queue_address queue, std::vector<core::message_id> ids,
    std::optional<std::vector<core::claim_id>> claims) {
    auto* store = co_await store_of(queue);
    co_await store->delete_messages(std::move(queue), std::move(ids), std::move(claims));
}

net::awaitable<std::vector<core::message>> pooled_driver::pop_messages(core::queue_address queue,
                                                                       std::int64_t limit) {
    auto* store = co_await store_of(queue);
    co_return co_await store->pop_messages(std::move(queue), limit);
}

// --- claims ---------------------------------------------------------------------------------

net::awaitable<std::optional<core::claim>> pooled_driver::create_claim(
    core::queue_address queue, core::claim_options options,
    std::optional<core::dead_letter_policy> dead_letter) {
    if (!dead_letter) {
        auto* store = co_await store_of(queue);
        co_return co_await store->create_claim(std::move(queue), options, std::nullopt);
    }
    // Dead letters move inside the source's store, so the dead-letter queue must live in the
    // same pool: register it there if it is new.
    auto pool = co_await lookup(queue);
    const auto source_pool = pool.value_or(core::default_pool_name);
    core::queue_address target{queue.project, dead_letter->queue};
    auto target_pool = co_await control_.register_queue(target, source_pool);
    if (target_pool != source_pool) {
        spdlog::warn(
            "pooling: dead-letter queue {} is in pool '{}', not in '{}' with {}; "
            "its messages are moved within '{}'",
            target.name.value(), target_pool, source_pool, queue.name.value(), source_pool);
    }
    auto* store = co_await pool_store(source_pool);
    co_return co_await store->create_claim(std::move(queue), options, std::move(dead_letter));
}

net::awaitable<core::claim> pooled_driver::get_claim(core::queue_address queue, core::claim_id id) {
    auto* store = co_await store_of(queue);
    co_return co_await store->get_claim(std::move(queue), std::move(id));
}

net::awaitable<void> pooled_driver::update_claim(core::queue_address queue, core::claim_id id,
                                                 std::int64_t ttl, std::int64_t grace) {
    auto* store = co_await store_of(queue);
    co_await store->update_claim(std::move(queue), std::move(id), ttl, grace);
}

net::awaitable<void> pooled_driver::delete_claim(core::queue_address queue, core::claim_id id) {
    auto* store = co_await store_of(queue);
    co_await store->delete_claim(std::move(queue), std::move(id));
}

// --- maintenance ----------------------------------------------------------------------------

net::awaitable<std::int64_t> pooled_driver::collect_garbage() {
    std::int64_t removed = 0;
    const auto stores = co_await all_stores();
    for (auto* store : stores) removed += co_await store->collect_garbage();
    co_return removed;
}

net::awaitable<bool> pooled_driver::ping() {
    const bool control_up = co_await control_.ping();
    co_return control_up&& co_await default_store_->ping();
}

std::vector<std::string> pooled_driver::capabilities() const {
    return default_store_->capabilities();
}

}  // namespace marconi::storage::pooled
