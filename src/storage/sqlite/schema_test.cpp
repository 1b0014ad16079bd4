// Marconi. Schema migrations: a message store written by an older Marconi still opens, keeps
// its data and gains the newer tables.
#include "storage/sqlite/schema.hpp"

#include "common/clock.hpp"
#include "storage/sqlite/sqlite_driver.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

namespace marconi::storage::sqlite {
namespace {

// The schema exactly as the first release wrote it (user_version 1), frozen here: it is what
// existing files on disk contain, whatever schema.cpp grows into.
constexpr const char* version_1_file = R"sql(
PRAGMA application_id = 1297236785;
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
INSERT INTO queues (id, project, name, metadata, created) VALUES (1, 'p', 'old', '{"a":1}', 0);
INSERT INTO messages (queue_id, tag, created, expires, visible_at, client_id, body)
    VALUES (1, 7, 0, 9000000000000000, 0, 'c', '"kept"');
PRAGMA user_version = 1;
)sql";

std::int64_t pragma(const std::string& path, const char* name) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, (std::string{"PRAGMA "} + name).c_str(), -1, &stmt, nullptr);
    sqlite3_step(stmt);
    const auto value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return value;
}

template <class T>
T run(boost::asio::io_context& io, boost::asio::awaitable<T> task) {
    auto result = boost::asio::co_spawn(io, std::move(task), boost::asio::use_future);
    io.restart();
    io.run();
    return result.get();
}

TEST(sqlite_schema, a_version_1_file_opens_with_its_data_and_gains_subscriptions) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("marconi-schema-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const auto path = (dir / "old.db").string();
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
        char* message = nullptr;
        ASSERT_EQ(sqlite3_exec(db, version_1_file, nullptr, nullptr, &message), SQLITE_OK)
            << (message ? message : "");
        sqlite3_close(db);
    }
    ASSERT_EQ(pragma(path, "user_version"), 1);

    manual_clock clock;
    boost::asio::io_context io;
    {
        sqlite_driver driver{{path, sync_mode::off, 1, false}, clock};
        const core::queue_address old{core::project_id{"p"}, core::queue_name{"old"}};
        const auto record = run(io, driver.get_queue(old));
        ASSERT_TRUE(record);
        EXPECT_EQ(record->metadata_json, R"({"a":1})");
        core::message_list_options options;
        options.echo = true;
        const auto page = run(io, driver.list_messages(old, options));
        ASSERT_EQ(page.messages.size(), 1u);
        EXPECT_EQ(page.messages.front().body_json, R"("kept")");

        core::new_subscription subscription{"http://example.com", 600, "{}", true};
        const auto created = run(io, driver.subscriptions().create_subscription(old, subscription));
        EXPECT_TRUE(created.created);
        EXPECT_TRUE(run(io, driver.subscriptions().get_subscription(old, created.id)));
    }
    EXPECT_EQ(pragma(path, "user_version"), 2);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace marconi::storage::sqlite
