// Marconi. What the PostgreSQL stores of one URI share: its schema, migrated when this is made,
// and its client. One statement in, one result out.
#pragma once

#include "storage/contract/ids.hpp"
#include "storage/postgres/client.hpp"
#include "storage/postgres/postgres_uri.hpp"
#include "storage/postgres/result.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>

namespace marconi::storage::postgres {

class database {
public:
    /// Migrates the schema first (blocking); throws std::runtime_error when that fails.
    explicit database(const postgres_settings& settings);

    /// `stmt`'s SQL names tables and functions "@.name", qualified here with the schema.
    net::awaitable<result> read(statement stmt);
    /// In the group commit (client::write), ordered by `lock_order`.
    net::awaitable<result> write(std::string lock_order, statement stmt);

private:
    std::string schema_;
    client client_;
};

/// The lock order of writes to a queue (see client::write).
std::string lock_order_of(const core::queue_address& queue);

}  // namespace marconi::storage::postgres
