// Marconi. One SQLite file in WAL mode with its threads: the group-commit writer and a pool of
// readers. The message store and the control store each own one.
#pragma once

#include "storage/contract/options.hpp"
#include "storage/sqlite/group_commit_writer.hpp"
#include "storage/sqlite/job.hpp"
#include "storage/sqlite/reader_pool.hpp"

#include <memory>
#include <string>

namespace marconi::storage::sqlite {

class database {
public:
    struct options {
        std::string path;
        sync_mode sync = sync_mode::full;
        int read_threads = 2;
    };
    /// Brings a freshly opened write connection to the newest schema.
    using migrate_fn = void (*)(connection&);

    /// Opens (creating and migrating) the file. Throws std::runtime_error naming the file.
    database(const options& opts, migrate_fn migrate);
    database(const database&) = delete;
    database& operator=(const database&) = delete;
    /// Finishes queued work and joins the threads.
    ~database();

    /// Runs fn(connection&) in the writer's next transaction; awaitable.
    template <class Fn>
    auto write(Fn fn) {
        return async_run(*writer_, std::move(fn));
    }
    /// Runs fn(connection&) on a reader connection; awaitable.
    template <class Fn>
    auto read(Fn fn) {
        return async_run(*readers_, std::move(fn));
    }

    const group_commit_writer& writer() const { return *writer_; }

private:
    std::unique_ptr<group_commit_writer> writer_;
    std::unique_ptr<reader_pool> readers_;  // after writer_: destroyed (joined) first
};

}  // namespace marconi::storage::sqlite
