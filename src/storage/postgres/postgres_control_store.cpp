// Marconi. PostgreSQL control store operations.
#include "storage/postgres/postgres_control_store.hpp"

#include "storage/contract/error.hpp"

namespace marconi::storage::postgres {

namespace {

constexpr const char* pool_columns = "name, uri, weight, flavor, options";

core::pool_record read_pool(const result& r, int row) {
    core::pool_record pool;
    pool.name = std::string{r.text(row, 0)};
    pool.uri = std::string{r.text(row, 1)};
    pool.weight = r.int64(row, 2);
    if (!r.is_null(row, 3)) pool.flavor = std::string{r.text(row, 3)};
    pool.options_json = std::string{r.text(row, 4)};
    return pool;
}

/// $1 name, $2 uri, $3 weight, $4 flavor, $5 options.
statement pool_statement(std::string sql, core::pool_record& pool) {
    return make_statement(std::move(sql), std::move(pool.name), std::move(pool.uri), pool.weight,
                          std::move(pool.flavor), std::move(pool.options_json));
}

/// Control writes are few: they share one lock order.
constexpr const char* control_lock_order = "control";

}  // namespace

net::awaitable<bool> postgres_control_store::create_pool(core::pool_record pool) {
    auto r = co_await db_.write(
        control_lock_order,
        pool_statement(
            "INSERT INTO @.pools (name, uri, weight, flavor, options)"
            " VALUES ($1, $2, $3::bigint, $4, $5) ON CONFLICT (name) DO NOTHING RETURNING 1",
            pool));
    co_return r.rows() == 1;
}

net::awaitable<std::optional<core::pool_record>> postgres_control_store::get_pool(
    std::string name) {
    auto r = co_await db_.read(make_statement(
        std::string{"SELECT "} + pool_columns + " FROM @.pools WHERE name = $1", std::move(name)));
    if (r.rows() == 0) co_return std::nullopt;
    co_return read_pool(r, 0);
}

net::awaitable<std::vector<core::pool_record>> postgres_control_store::list_pools(
    std::optional<std::string> marker, std::int64_t limit) {
    std::vector<core::pool_record> out;
    if (limit <= 0) co_return out;
    auto r = co_await db_.read(
        make_statement(std::string{"SELECT "} + pool_columns +
                           " FROM @.pools WHERE name > $1 ORDER BY name LIMIT $2::bigint",
                       std::string{marker.value_or("")}, limit));
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_pool(r, i));
    co_return out;
}

net::awaitable<bool> postgres_control_store::update_pool(core::pool_record pool) {
    auto r = co_await db_.write(
        control_lock_order,
        pool_statement("UPDATE @.pools SET uri = $2, weight = $3::bigint, flavor = $4, options = $5"
                       " WHERE name = $1 RETURNING 1",
                       pool));
    co_return r.rows() == 1;
}

net::awaitable<void> postgres_control_store::delete_pool(std::string name) {
    co_await db_.write(control_lock_order,
                       make_statement("DELETE FROM @.pools WHERE name = $1", std::move(name)));
}

net::awaitable<bool> postgres_control_store::create_flavor(core::flavor_record flavor) {
    auto r = co_await db_.write(
        control_lock_order, make_statement("INSERT INTO @.flavors (project, name) VALUES ($1, $2)"
                                           " ON CONFLICT (project, name) DO NOTHING RETURNING 1",
                                           flavor.project, std::move(flavor.name)));
    co_return r.rows() == 1;
}

net::awaitable<bool> postgres_control_store::flavor_exists(core::flavor_record flavor) {
    auto r =
        co_await db_.read(make_statement("SELECT 1 FROM @.flavors WHERE project = $1 AND name = $2",
                                         flavor.project, std::move(flavor.name)));
    co_return r.rows() == 1;
}

net::awaitable<std::vector<core::flavor_record>> postgres_control_store::list_flavors(
    core::project_id project, std::optional<std::string> marker, std::int64_t limit) {
    std::vector<core::flavor_record> out;
    if (limit <= 0) co_return out;
    auto r = co_await db_.read(
        make_statement("SELECT name FROM @.flavors WHERE project = $1 AND name > $2 ORDER BY name"
                       " LIMIT $3::bigint",
                       project, std::string{marker.value_or("")}, limit));
    for (int i = 0; i < r.rows(); ++i) out.push_back({project, std::string{r.text(i, 0)}});
    co_return out;
}

net::awaitable<void> postgres_control_store::delete_flavor(core::flavor_record flavor) {
    co_await db_.write(control_lock_order,
                       make_statement("DELETE FROM @.flavors WHERE project = $1 AND name = $2",
                                      flavor.project, std::move(flavor.name)));
}

net::awaitable<std::optional<std::string>> postgres_control_store::lookup(
    core::queue_address queue) {
    auto r = co_await db_.read(
        make_statement("SELECT pool FROM @.catalog WHERE project = $1 AND queue = $2",
                       queue.project, queue.name.value()));
    if (r.rows() == 0) co_return std::nullopt;
    co_return std::string{r.text(0, 0)};
}

net::awaitable<std::string> postgres_control_store::register_queue(core::queue_address queue,
                                                                   std::string pool) {
    // DO UPDATE (to the same value) returns the row that won a race, which DO NOTHING hides.
    auto r = co_await db_.write(
        control_lock_order,
        make_statement("INSERT INTO @.catalog AS k (project, queue, pool) VALUES ($1, $2, $3)"
                       " ON CONFLICT (project, queue) DO UPDATE SET pool = k.pool RETURNING k.pool",
                       queue.project, queue.name.value(), std::move(pool)));
    co_return std::string{r.text(0, 0)};
}

net::awaitable<void> postgres_control_store::unregister_queue(core::queue_address queue) {
    co_await db_.write(control_lock_order,
                       make_statement("DELETE FROM @.catalog WHERE project = $1 AND queue = $2",
                                      queue.project, queue.name.value()));
}

net::awaitable<std::int64_t> postgres_control_store::count_pool_queues(std::string pool) {
    auto r = co_await db_.read(
        make_statement("SELECT count(*) FROM @.catalog WHERE pool = $1", std::move(pool)));
    co_return r.int64(0, 0);
}

net::awaitable<bool> postgres_control_store::ping() {
    try {
        auto r = co_await db_.read(make_statement("SELECT 1"));
        co_return r.rows() == 1;
    } catch (const core::error&) {
        co_return false;
    }
}

}  // namespace marconi::storage::postgres
