// Marconi. Opening a SQLite file for one writer thread and a pool of readers.
#include "storage/sqlite/database.hpp"

#include <stdexcept>

namespace marconi::storage::sqlite {

namespace {

// Long enough to ride out a checkpoint; the writer is the only writer, so waits are rare.
constexpr const char* busy_timeout_sql = "PRAGMA busy_timeout = 5000";
constexpr const char* wal_sql = "PRAGMA journal_mode = WAL";
constexpr const char* query_only_sql = "PRAGMA query_only = 1";
constexpr std::size_t max_batch = 512;

const char* synchronous_sql(sync_mode mode) {
    switch (mode) {
        case sync_mode::full: return "PRAGMA synchronous = FULL";
        case sync_mode::normal: return "PRAGMA synchronous = NORMAL";
        case sync_mode::off: return "PRAGMA synchronous = OFF";
    }
    return "PRAGMA synchronous = FULL";
}

std::unique_ptr<connection> open_writer(const std::string& path, sync_mode sync,
                                        database::migrate_fn migrate) {
    auto conn = std::make_unique<connection>(path, connection::access::read_write);
    conn->exec(busy_timeout_sql);
    conn->exec(wal_sql);
    conn->exec(synchronous_sql(sync));
    migrate(*conn);
    return conn;
}

std::unique_ptr<connection> open_reader(const std::string& path) {
    auto conn = std::make_unique<connection>(path, connection::access::read_only);
    conn->exec(busy_timeout_sql);
    conn->exec(query_only_sql);
    return conn;
}

}  // namespace

database::database(const options& opts, migrate_fn migrate) {
    try {
        writer_ = std::make_unique<group_commit_writer>(open_writer(opts.path, opts.sync, migrate),
                                                        max_batch);
        readers_ = std::make_unique<reader_pool>(opts.read_threads,
                                                 [path = opts.path] { return open_reader(path); });
    } catch (const std::exception& e) {
        // Start-up failure: the operator needs the file and the reason, not a 503 text.
        throw std::runtime_error("cannot use SQLite database '" + opts.path + "': " + e.what());
    }
}

database::~database() {
    readers_.reset();
    writer_.reset();
}

}  // namespace marconi::storage::sqlite
