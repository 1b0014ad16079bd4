// Marconi. The control store on PostgreSQL, shared by every head: pools, flavors, the catalog,
// in tables of the same schema as a message store's (schema.cpp).
#pragma once

#include "storage/contract/control_store.hpp"
#include "storage/postgres/database.hpp"
#include "storage/postgres/postgres_uri.hpp"

namespace marconi::storage::postgres {

class postgres_control_store final : public control_store {
public:
    /// Migrates the schema first (blocking); throws std::runtime_error when that fails.
    explicit postgres_control_store(const postgres_settings& settings) : db_(settings) {}

    net::awaitable<bool> create_pool(core::pool_record pool) override;
    net::awaitable<std::optional<core::pool_record>> get_pool(std::string name) override;
    net::awaitable<std::vector<core::pool_record>> list_pools(std::optional<std::string> marker,
                                                              std::int64_t limit) override;
    net::awaitable<bool> update_pool(core::pool_record pool) override;
    net::awaitable<void> delete_pool(std::string name) override;

    net::awaitable<bool> create_flavor(core::flavor_record flavor) override;
    net::awaitable<bool> flavor_exists(core::flavor_record flavor) override;
    net::awaitable<std::vector<core::flavor_record>> list_flavors(core::project_id project,
                                                                  std::optional<std::string> marker,
                                                                  std::int64_t limit) override;
    net::awaitable<void> delete_flavor(core::flavor_record flavor) override;

    net::awaitable<std::optional<std::string>> lookup(core::queue_address queue) override;
    net::awaitable<std::string> register_queue(core::queue_address queue,
                                               std::string pool) override;
    net::awaitable<void> unregister_queue(core::queue_address queue) override;
    net::awaitable<std::int64_t> count_pool_queues(std::string pool) override;

    net::awaitable<bool> ping() override;

private:
    database db_;
};

}  // namespace marconi::storage::postgres
