// Marconi. The control store on SQLite: each call is one small statement (or two, in one
// writer transaction).
#include "storage/sqlite/sqlite_control_store.hpp"

#include "storage/contract/error.hpp"
#include "storage/sqlite/schema.hpp"

#include <spdlog/spdlog.h>

namespace marconi::storage::sqlite {

namespace {

constexpr const char* pool_columns = "name, uri, weight, flavor, options";

core::pool_record read_pool(const statement& stmt) {
    core::pool_record pool;
    pool.name = stmt.text(0);
    pool.uri = stmt.text(1);
    pool.weight = stmt.int64(2);
    if (!stmt.is_null(3)) pool.flavor = stmt.text(3);
    pool.options_json = stmt.text(4);
    return pool;
}

/// Readers open with one thread: control reads are rare (heads cache what they read).
constexpr int control_read_threads = 1;

}  // namespace

sqlite_control_store::sqlite_control_store(std::string path, sync_mode sync)
    : db_(std::make_unique<database>(database::options{path, sync, control_read_threads},
                                     &migrate_control)) {
    spdlog::info("sqlite: opened control store {}", path);
}

// --- pools ----------------------------------------------------------------------------------

net::awaitable<bool> sqlite_control_store::create_pool(core::pool_record pool) {
    return db_->write([pool = std::move(pool)](connection& c) {
        static const std::string sql = std::string{"INSERT INTO pools ("} + pool_columns +
                                       ") VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING";
        c.prepare(sql)
            .bind_all(pool.name, pool.uri, pool.weight, pool.flavor, pool.options_json)
            .run();
        return c.changes() == 1;
    });
}

net::awaitable<std::optional<core::pool_record>> sqlite_control_store::get_pool(std::string name) {
    return db_->read([name = std::move(name)](connection& c) -> std::optional<core::pool_record> {
        static const std::string sql =
            std::string{"SELECT "} + pool_columns + " FROM pools WHERE name = ?1";
        auto stmt = c.prepare(sql);
        stmt.bind_all(name);
        if (!stmt.step()) return std::nullopt;
        return read_pool(stmt);
    });
}

net::awaitable<std::vector<core::pool_record>> sqlite_control_store::list_pools(
    std::optional<std::string> marker, std::int64_t limit) {
    return db_->read([marker = std::move(marker), limit](connection& c) {
        static const std::string sql = std::string{"SELECT "} + pool_columns +
                                       " FROM pools WHERE name > ?1 ORDER BY name LIMIT ?2";
        std::vector<core::pool_record> out;
        auto stmt = c.prepare(sql);
        stmt.bind_all(marker.value_or(""), limit);
        while (stmt.step()) out.push_back(read_pool(stmt));
        return out;
    });
}

net::awaitable<bool> sqlite_control_store::update_pool(core::pool_record pool) {
    return db_->write([pool = std::move(pool)](connection& c) {
        static constexpr const char* sql =
            "UPDATE pools SET uri = ?2, weight = ?3, flavor = ?4, options = ?5 WHERE name = ?1";
        c.prepare(sql)
            .bind_all(pool.name, pool.uri, pool.weight, pool.flavor, pool.options_json)
            .run();
        return c.changes() == 1;
    });
}

net::awaitable<void> sqlite_control_store::delete_pool(std::string name) {
    return db_->write([name = std::move(name)](connection& c) {
        static constexpr const char* sql = "DELETE FROM pools WHERE name = ?1";
        c.prepare(sql).bind_all(name).run();
    });
}

// --- flavors --------------------------------------------------------------------------------

net::awaitable<bool> sqlite_control_store::create_flavor(core::flavor_record flavor) {
    return db_->write([flavor = std::move(flavor)](connection& c) {
        static constexpr const char* sql =
            "INSERT INTO flavors (project, name) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
        c.prepare(sql).bind_all(flavor.project.value(), flavor.name).run();
        return c.changes() == 1;
    });
}

net::awaitable<bool> sqlite_control_store::flavor_exists(core::flavor_record flavor) {
    return db_->read([flavor = std::move(flavor)](connection& c) {
        static constexpr const char* sql = "SELECT 1 FROM flavors WHERE project = ?1 AND name = ?2";
        auto stmt = c.prepare(sql);
        stmt.bind_all(flavor.project.value(), flavor.name);
        return stmt.step();
    });
}

net::awaitable<std::vector<core::flavor_record>> sqlite_control_store::list_flavors(
    core::project_id project, std::optional<std::string> marker, std::int64_t limit) {
    return db_->read(
        [project = std::move(project), marker = std::move(marker), limit](connection& c) {
            static constexpr const char* sql =
                "SELECT name FROM flavors WHERE project = ?1 AND name > ?2 ORDER BY name LIMIT ?3";
            std::vector<core::flavor_record> out;
            auto stmt = c.prepare(sql);
            stmt.bind_all(project.value(), marker.value_or(""), limit);
            while (stmt.step()) out.push_back({project, stmt.text(0)});
            return out;
        });
}

net::awaitable<void> sqlite_control_store::delete_flavor(core::flavor_record flavor) {
    return db_->write([flavor = std::move(flavor)](connection& c) {
        static constexpr const char* sql = "DELETE FROM flavors WHERE project = ?1 AND name = ?2";
        c.prepare(sql).bind_all(flavor.project.value(), flavor.name).run();
    });
}

// --- catalog --------------------------------------------------------------------------------

net::awaitable<std::optional<std::string>> sqlite_control_store::lookup(core::queue_address queue) {
    return db_->read([queue = std::move(queue)](connection& c) -> std::optional<std::string> {
        static constexpr const char* sql =
            "SELECT pool FROM catalog WHERE project = ?1 AND queue = ?2";
        auto stmt = c.prepare(sql);
        stmt.bind_all(queue.project.value(), queue.name.value());
        if (!stmt.step()) return std::nullopt;
        return stmt.text(0);
    });
}

net::awaitable<std::string> sqlite_control_store::register_queue(core::queue_address queue,
                                                                 std::string pool) {
    return db_->write([queue = std::move(queue), pool = std::move(pool)](connection& c) {
        static constexpr const char* insert_sql =
            "INSERT INTO catalog (project, queue, pool) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING";
        static constexpr const char* select_sql =
            "SELECT pool FROM catalog WHERE project = ?1 AND queue = ?2";
        c.prepare(insert_sql).bind_all(queue.project.value(), queue.name.value(), pool).run();
        auto stmt = c.prepare(select_sql);
        stmt.bind_all(queue.project.value(), queue.name.value());
        stmt.step();
        return stmt.text(0);
    });
}

net::awaitable<void> sqlite_control_store::unregister_queue(core::queue_address queue) {
    return db_->write([queue = std::move(queue)](connection& c) {
        static constexpr const char* sql = "DELETE FROM catalog WHERE project = ?1 AND queue = ?2";
        c.prepare(sql).bind_all(queue.project.value(), queue.name.value()).run();
    });
}

net::awaitable<std::int64_t> sqlite_control_store::count_pool_queues(std::string pool) {
    return db_->read([pool = std::move(pool)](connection& c) {
        static constexpr const char* sql = "SELECT count(*) FROM catalog WHERE pool = ?1";
        auto stmt = c.prepare(sql);
        stmt.bind_all(pool);
        stmt.step();
        return stmt.int64(0);
    });
}

net::awaitable<bool> sqlite_control_store::ping() {
    try {
        co_return co_await db_->read([](connection& c) {
            static constexpr const char* sql = "SELECT 1";
            auto stmt = c.prepare(sql);
            return stmt.step();
        });
    } catch (const core::error&) {
        co_return false;
    }
}

}  // namespace marconi::storage::sqlite
