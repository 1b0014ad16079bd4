// Marconi. The single SQLite writer: many callers' writes share one transaction and one fsync.
#pragma once

#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/job.hpp"

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace marconi::storage::sqlite {

/// Owns the write connection and the one thread that uses it. The thread takes every pending
/// job (up to max_batch), runs them in one BEGIN IMMEDIATE ... COMMIT with each job inside its own
/// SAVEPOINT (a job that throws is rolled back alone and gets its exception), commits once, then
/// completes every job. If BEGIN or COMMIT fails, every job of the batch fails with
/// errc::unavailable. A job never waits for a timer: the thread starts as soon as work arrives.
/// At most `max_pending` jobs wait at once: enqueue() fails a job beyond that at once with
/// errc::unavailable (503) instead of letting the queue grow without bound.
/// enqueue() is thread-safe; the destructor finishes the queued jobs, then joins the thread.
class group_commit_writer final : public job_sink {
public:
    /// Well above the listener's default max_inflight_requests (4096), so with the defaults
    /// only a server configured for more concurrent requests than this can reach it.
    static constexpr std::size_t default_max_pending = 8192;

    explicit group_commit_writer(std::unique_ptr<connection> conn, std::size_t max_batch = 512,
                                 std::size_t max_pending = default_max_pending);
    group_commit_writer(const group_commit_writer&) = delete;
    group_commit_writer& operator=(const group_commit_writer&) = delete;
    ~group_commit_writer() override;

    void enqueue(std::unique_ptr<job> work) override;

    /// Transactions committed and jobs run so far; tests use them to see batching happen.
    std::int64_t commits() const noexcept { return commits_.load(); }
    std::int64_t jobs() const noexcept { return jobs_.load(); }
    /// Jobs failed by enqueue() because the queue was full.
    std::int64_t rejected() const noexcept { return rejected_.load(); }

private:
    void run();
    void run_batch(std::vector<std::unique_ptr<job>>& batch);

    std::unique_ptr<connection> conn_;  // touched only by thread_
    const std::size_t max_batch_;
    const std::size_t max_pending_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::unique_ptr<job>> pending_;  // guarded by mutex_
    bool stopping_ = false;                     // guarded by mutex_
    std::atomic<std::int64_t> commits_{0};
    std::atomic<std::int64_t> jobs_{0};
    std::atomic<std::int64_t> rejected_{0};
    std::thread thread_;  // last: starts after every other member is ready
};

}  // namespace marconi::storage::sqlite
