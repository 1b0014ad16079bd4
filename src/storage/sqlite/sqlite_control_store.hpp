// Marconi. The control store on one SQLite file (one node): pools, flavors, the catalog.
#pragma once

#include "storage/contract/control_store.hpp"
#include "storage/sqlite/database.hpp"

#include <memory>
#include <string>

namespace marconi::storage::sqlite {

class sqlite_control_store final : public control_store {
public:
    /// Opens (creating and migrating) the file. Throws std::runtime_error when unusable.
    sqlite_control_store(std::string path, sync_mode sync);

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
    std::unique_ptr<database> db_;
};

}  // namespace marconi::storage::sqlite
