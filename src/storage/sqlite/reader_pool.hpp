// Marconi. A few threads, each with its own read-only SQLite connection, serving read jobs.
#pragma once

#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/job.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace marconi::storage::sqlite {

/// Runs read jobs on `threads` threads, each owning one connection from `open`. Each job runs in
/// its own read transaction, so it sees one committed snapshot (WAL lets it read while the
/// writer writes). enqueue() is thread-safe; the destructor finishes queued jobs, then joins.
class reader_pool final : public job_sink {
public:
    reader_pool(int threads, const std::function<std::unique_ptr<connection>()>& open);
    reader_pool(const reader_pool&) = delete;
    reader_pool& operator=(const reader_pool&) = delete;
    ~reader_pool() override;

    void enqueue(std::unique_ptr<job> work) override;

private:
    void run(connection& conn);

    std::vector<std::unique_ptr<connection>> connections_;  // one per thread, used only by it
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::unique_ptr<job>> pending_;  // guarded by mutex_
    bool stopping_ = false;                     // guarded by mutex_
    std::vector<std::thread> threads_;
};

}  // namespace marconi::storage::sqlite
