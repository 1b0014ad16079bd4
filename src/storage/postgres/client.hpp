// Marconi. The PostgreSQL client every driver call goes through: one io thread of its own owns
// a few connections; reads are pipelined on the least busy reader, and writes from many
// callers are group-committed: one transaction, one commit (one WAL flush) for all of them.
#pragma once

#include "storage/postgres/connection.hpp"
#include "storage/postgres/result.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace marconi::storage::postgres {

struct client_options {
    connection_options connection;
    int readers = 2;
    int writers = 1;
    /// Writes per transaction at most; more wait for the next one.
    std::size_t max_batch = 256;
};

/// Thread-safe. Each call resumes the awaiting coroutine on its own executor. A lost
/// connection, a database that is down, or a statement that fails throws
/// core::error{unavailable} (the cause is logged); nothing of a failed write has committed,
/// except when the connection was lost during its commit, which nobody can know.
class client {
public:
    explicit client(client_options options);
    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    /// Runs the statements pipelined, each in a transaction of its own.
    net::awaitable<std::vector<result>> read(std::vector<statement> statements);
    /// Runs the statements in one transaction that other callers' writes share; it has
    /// committed when this returns. `lock_order` orders the writes of one transaction (by
    /// queue, say) so that transactions of several servers take row locks in the same order.
    net::awaitable<std::vector<result>> write(std::string lock_order,
                                              std::vector<statement> statements);

private:
    struct write_job;
    using job_ptr = std::shared_ptr<write_job>;

    // On io_'s thread only.
    void commit_pending();
    void run_batch(std::size_t writer, std::vector<job_ptr> jobs);
    void finish_batch(std::size_t writer, std::vector<job_ptr> jobs,
                      std::optional<std::vector<result>> results);
    connection& least_loaded_reader();

    client_options options_;
    net::io_context io_;
    net::executor_work_guard<net::io_context::executor_type> work_;
    std::vector<std::shared_ptr<connection>> readers_;
    std::vector<std::shared_ptr<connection>> writers_;
    std::vector<bool> writer_busy_;
    std::deque<job_ptr> pending_;
    std::thread thread_;
};

}  // namespace marconi::storage::postgres
