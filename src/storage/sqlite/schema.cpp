// Marconi. SQLite schema migrations.
#include "storage/sqlite/schema.hpp"

#include <array>
#include <span>
#include <stdexcept>
#include <string>

namespace marconi::storage::sqlite {

namespace {

// Times are milliseconds since the Unix epoch. A queue is one small row plus one index entry,
// so hundreds of thousands of queues cost little. Message seq is global, monotonic and never
// reused (AUTOINCREMENT), which keeps list markers valid across deletions; the public id adds
// a random tag so ids cannot be guessed. messages_by_queue covers the columns that decide
// visibility, so claiming, listing and stats walk the index without reading bodies.
constexpr const char* migration_1 = R"sql(
CREATE TABLE queues (
    id       INTEGER PRIMARY KEY,
    project  TEXT    NOT NULL,
    name     TEXT    NOT NULL,
    metadata TEXT    NOT NULL,
    created  INTEGER NOT NULL,
    UNIQUE (project, name)
);
CREATE TABLE messages (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    queue_id      INTEGER NOT NULL,
    tag           INTEGER NOT NULL,
    created       INTEGER NOT NULL,
    expires       INTEGER NOT NULL,
    visible_at    INTEGER NOT NULL,
    client_id     TEXT    NOT NULL,
    claim_id      INTEGER,
    claim_expires INTEGER,
    claim_count   INTEGER NOT NULL DEFAULT 0,
    body          TEXT    NOT NULL
);
CREATE INDEX messages_by_queue ON messages (queue_id, seq, expires, visible_at, claim_expires);
CREATE INDEX messages_by_expiry ON messages (expires);
CREATE INDEX messages_by_claim ON messages (claim_id) WHERE claim_id IS NOT NULL;
CREATE TABLE claims (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    queue_id INTEGER NOT NULL,
    tag      INTEGER NOT NULL,
    created  INTEGER NOT NULL,
    expires  INTEGER NOT NULL
);
CREATE INDEX claims_by_queue ON claims (queue_id);
CREATE INDEX claims_by_expiry ON claims (expires);
)sql";

// Subscriptions of a queue or topic (by project and source name, not queue row: they outlive
// their queue, as in Zaqar). `id` is AUTOINCREMENT so creation order is id order and ids are
// never reused; the UNIQUE constraint makes (project, source, subscriber) unique, expired rows
// included (writers delete an expired holder of a subscriber before taking it over).
constexpr const char* migration_2 = R"sql(
CREATE TABLE subscriptions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    tag        INTEGER NOT NULL,
    project    TEXT    NOT NULL,
    source     TEXT    NOT NULL,
    subscriber TEXT    NOT NULL,
    created    INTEGER NOT NULL,
    expires    INTEGER NOT NULL,
    ttl        INTEGER NOT NULL,
    options    TEXT    NOT NULL,
    confirmed  INTEGER NOT NULL,
    UNIQUE (project, source, subscriber)
);
CREATE INDEX subscriptions_by_source ON subscriptions (project, source, id);
CREATE INDEX subscriptions_by_expiry ON subscriptions (expires);
)sql";

// Index i takes the schema from version i to version i + 1. Append only; never edit one that
// has shipped.
constexpr std::array data_migrations{migration_1, migration_2};

// The control store (pools, flavors, catalog) lives in a file of its own.
constexpr const char* control_migration_1 = R"sql(
CREATE TABLE pools (
    name    TEXT PRIMARY KEY,
    uri     TEXT    NOT NULL,
    weight  INTEGER NOT NULL,
    flavor  TEXT,
    options TEXT    NOT NULL
);
CREATE TABLE flavors (
    project TEXT NOT NULL,
    name    TEXT NOT NULL,
    PRIMARY KEY (project, name)
);
CREATE TABLE catalog (
    project TEXT NOT NULL,
    queue   TEXT NOT NULL,
    pool    TEXT NOT NULL,
    PRIMARY KEY (project, queue)
);
CREATE INDEX catalog_by_pool ON catalog (pool);
)sql";

constexpr std::array control_migrations{control_migration_1};

constexpr const char* user_version_sql = "PRAGMA user_version";

std::int64_t user_version(connection& conn) {
    auto stmt = conn.prepare(user_version_sql);
    stmt.step();
    return stmt.int64(0);
}

// PRAGMA application_id tells the two kinds of file apart, so a store pointed at the other's
// file refuses to start instead of failing every request.
constexpr std::int64_t message_store_id = 0x4d524331;  // "MRC1"
constexpr std::int64_t control_store_id = 0x4d524343;  // "MRCC"

std::int64_t application_id(connection& conn) {
    auto stmt = conn.prepare("PRAGMA application_id");
    stmt.step();
    return stmt.int64(0);
}

void apply_migrations(connection& conn, std::span<const char* const> migrations,
                      std::int64_t kind) {
    conn.exec("BEGIN IMMEDIATE");
    try {
        const auto found = application_id(conn);
        if (found != 0 && found != kind) {
            throw std::runtime_error(
                kind == message_store_id
                    ? "the file is a Marconi control store, not a message store"
                    : "the file is a Marconi message store, not a control store");
        }
        if (found == 0 && user_version(conn) > 0 && kind == control_store_id) {
            throw std::runtime_error("the file is a Marconi message store, not a control store");
        }
        conn.exec(("PRAGMA application_id = " + std::to_string(kind)).c_str());
        const auto version = user_version(conn);
        if (version > static_cast<std::int64_t>(migrations.size())) {
            throw std::runtime_error("the SQLite database has schema version " +
                                     std::to_string(version) + ", newer than this Marconi knows (" +
                                     std::to_string(migrations.size()) + ")");
        }
        for (auto v = static_cast<std::size_t>(version); v < migrations.size(); ++v) {
            conn.exec(migrations[v]);
        }
        conn.exec(("PRAGMA user_version = " + std::to_string(migrations.size())).c_str());
        conn.exec("COMMIT");
    } catch (...) {
        if (conn.in_transaction()) conn.exec("ROLLBACK");
        throw;
    }
}

}  // namespace

void migrate(connection& conn) { apply_migrations(conn, data_migrations, message_store_id); }

void migrate_control(connection& conn) {
    apply_migrations(conn, control_migrations, control_store_id);
}

}  // namespace marconi::storage::sqlite
