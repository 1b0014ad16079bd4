// Marconi. The control (management) store contract: pools, flavors and the catalog that maps
// each queue to its pool. One per deployment, shared by every head (SQLite for one node, Redis
// for many).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/contract/model.hpp"
#include "storage/contract/pool_model.hpp"

namespace marconi::storage {

namespace net = boost::asio;

/// Thread-safe; each call resumes the caller on its own executor. Failures of the engine are
/// thrown as core::error{unavailable}. Listings are in name order, after `marker`.
class control_store {
public:
    virtual ~control_store() = default;

    // --- pools ----------------------------------------------------------------------------
    /// False (and nothing changes) when a pool of that name exists.
    virtual net::awaitable<bool> create_pool(core::pool_record pool) = 0;
    virtual net::awaitable<std::optional<core::pool_record>> get_pool(std::string name) = 0;
    virtual net::awaitable<std::vector<core::pool_record>> list_pools(
        std::optional<std::string> marker, std::int64_t limit) = 0;
    /// Replaces the pool of that name; false when there is none.
    virtual net::awaitable<bool> update_pool(core::pool_record pool) = 0;
    /// Idempotent.
    virtual net::awaitable<void> delete_pool(std::string name) = 0;

    // --- flavors (per project) ------------------------------------------------------------
    virtual net::awaitable<bool> create_flavor(core::flavor_record flavor) = 0;
    virtual net::awaitable<bool> flavor_exists(core::flavor_record flavor) = 0;
    virtual net::awaitable<std::vector<core::flavor_record>> list_flavors(
        core::project_id project, std::optional<std::string> marker, std::int64_t limit) = 0;
    virtual net::awaitable<void> delete_flavor(core::flavor_record flavor) = 0;

    // --- catalog --------------------------------------------------------------------------
    /// The pool the queue is registered in.
    virtual net::awaitable<std::optional<std::string>> lookup(core::queue_address queue) = 0;
    /// Registers the queue in `pool` unless it is registered already; returns the pool it is
    /// registered in afterwards (the earlier registration wins a race).
    virtual net::awaitable<std::string> register_queue(core::queue_address queue,
                                                       std::string pool) = 0;
    /// Idempotent.
    virtual net::awaitable<void> unregister_queue(core::queue_address queue) = 0;
    /// How many queues are registered in the pool.
    virtual net::awaitable<std::int64_t> count_pool_queues(std::string pool) = 0;

    virtual net::awaitable<bool> ping() = 0;
};

/// Every pool, in name order (list_pools page after page).
net::awaitable<std::vector<core::pool_record>> all_pools(control_store& control);

}  // namespace marconi::storage
