// Marconi. The control store on Redis, shared by every head: pools, flavors, the catalog. All
// of it sits under one hash tag ({control}), so each multi-key step is one script in one slot;
// the data is small (a catalog entry per queue) and heads cache what they read.
#pragma once

#include "storage/contract/control_store.hpp"
#include "storage/redis/client.hpp"
#include "storage/redis/lua_script.hpp"
#include "storage/redis/redis_uri.hpp"

#include <memory>

namespace marconi::storage::redis {

class redis_control_store final : public control_store {
public:
    explicit redis_control_store(redis_settings settings);

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
    /// Sends one command; an error reply is thrown as unavailable.
    net::awaitable<reply> call(std::vector<std::string> args);
    net::awaitable<reply> script(const lua_script& script, std::vector<std::string> keys,
                                 std::vector<std::string> args);
    std::string key(std::string_view name) const { return prefix_ + std::string{name}; }
    std::string flavors_key(const core::project_id& project) const;

    std::string prefix_;  ///< "<uri prefix>:{control}:"
    std::unique_ptr<client> client_;
};

}  // namespace marconi::storage::redis
