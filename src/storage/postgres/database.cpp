// Marconi. The PostgreSQL stores' shared schema and client.
#include "storage/postgres/database.hpp"

#include "storage/postgres/schema.hpp"

#include <utility>
#include <vector>

namespace marconi::storage::postgres {

namespace {

client_options client_options_of(const postgres_settings& settings) {
    client_options options;
    options.connection.conninfo = settings.conninfo;
    options.connection.redacted = settings.redacted;
    options.readers = settings.readers;
    options.writers = settings.writers;
    return options;
}

}  // namespace

database::database(const postgres_settings& settings)
    : schema_(settings.schema), client_(client_options_of(settings)) {
    // The client connects on first use, so the schema is ready before anything reads it.
    migrate(settings.conninfo, schema_);
}

net::awaitable<result> database::read(statement stmt) {
    stmt.sql = qualified(stmt.sql, schema_);
    std::vector<statement> statements;
    statements.push_back(std::move(stmt));
    auto results = co_await client_.read(std::move(statements));
    co_return std::move(results.front());
}

net::awaitable<result> database::write(std::string lock_order, statement stmt) {
    stmt.sql = qualified(stmt.sql, schema_);
    std::vector<statement> statements;
    statements.push_back(std::move(stmt));
    auto results = co_await client_.write(std::move(lock_order), std::move(statements));
    co_return std::move(results.front());
}

std::string lock_order_of(const core::queue_address& queue) {
    return queue.project.value() + '\x1e' + queue.name.value();
}

}  // namespace marconi::storage::postgres
