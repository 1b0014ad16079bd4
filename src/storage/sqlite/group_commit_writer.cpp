// Marconi. The single SQLite writer and its group commit.
#include "storage/sqlite/group_commit_writer.hpp"

#include "storage/contract/error.hpp"

#include <pthread.h>

#include <spdlog/spdlog.h>

namespace marconi::storage::sqlite {

group_commit_writer::group_commit_writer(std::unique_ptr<connection> conn, std::size_t max_batch,
                                         std::size_t max_pending)
    : conn_(std::move(conn)),
      max_batch_(max_batch),
      max_pending_(max_pending),
      thread_([this] { run(); }) {}

group_commit_writer::~group_commit_writer() {
    {
        std::lock_guard lock{mutex_};
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void group_commit_writer::enqueue(std::unique_ptr<job> work) {
    bool queued = false;
    {
        std::lock_guard lock{mutex_};
        if (pending_.size() < max_pending_) {
            pending_.push_back(std::move(work));
            queued = true;
        }
    }
    if (!queued) {
        // Full: fail fast, resuming the caller later, never inside enqueue().
        ++rejected_;
        work->fail(std::make_exception_ptr(core::error{
            core::errc::unavailable, "The server is busy: too many pending writes; retry later."}));
        complete_later(std::move(work));
        return;
    }
    wake_.notify_one();
}

void group_commit_writer::run() {
    pthread_setname_np(pthread_self(), "sqlite-writer");  // as top -H and perf show it
    std::vector<std::unique_ptr<job>> batch;
    for (;;) {
        {
            std::unique_lock lock{mutex_};
            wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
            if (pending_.empty()) return;  // stopping, and nothing left to do
            while (!pending_.empty() && batch.size() < max_batch_) {
                batch.push_back(std::move(pending_.front()));
                pending_.pop_front();
            }
        }
        run_batch(batch);  // leaves it empty
    }
}

void group_commit_writer::run_batch(std::vector<std::unique_ptr<job>>& batch) {
    // Statement texts are fixed so the savepoint statements are prepared once.
    static constexpr const char* begin_sql = "BEGIN IMMEDIATE";
    static constexpr const char* commit_sql = "COMMIT";
    static constexpr const char* rollback_sql = "ROLLBACK";
    static constexpr const char* savepoint_sql = "SAVEPOINT job";
    static constexpr const char* release_sql = "RELEASE job";
    static constexpr const char* rollback_to_sql = "ROLLBACK TO job";

    // Every job not failed yet gets the batch's failure (e.g. the disk-full error of COMMIT).
    auto fail_all = [&batch](const std::exception_ptr& failure) {
        for (auto& work : batch) {
            if (!work->failed()) work->fail(failure);
        }
    };

    try {
        conn_->prepare(begin_sql).run();
        for (auto& work : batch) {
            conn_->prepare(savepoint_sql).run();
            try {
                work->execute(*conn_);
            } catch (...) {
                work->fail(std::current_exception());
                // Undo only this job's changes; the transaction stays open for the others.
                conn_->prepare(rollback_to_sql).run();
            }
            conn_->prepare(release_sql).run();
        }
        conn_->prepare(commit_sql).run();
        ++commits_;
    } catch (...) {
        // BEGIN, a savepoint statement or COMMIT failed: nothing of this batch is kept.
        const auto failure = std::current_exception();
        spdlog::error("sqlite writer: batch of {} jobs failed to commit", batch.size());
        try {
            // SQLite may already have rolled back by itself (e.g. COMMIT hit an I/O error).
            if (conn_->in_transaction()) conn_->exec(rollback_sql);
        } catch (const core::error&) {
            // Logged by the connection; the next BEGIN reports a connection that stays broken.
        }
        fail_all(failure);
    }
    jobs_ += static_cast<std::int64_t>(batch.size());
    complete_all(batch);
}

}  // namespace marconi::storage::sqlite
