// Marconi. The SQLite reader threads.
#include "storage/sqlite/reader_pool.hpp"

#include <pthread.h>

#include "storage/contract/error.hpp"

#include <algorithm>

namespace marconi::storage::sqlite {

reader_pool::reader_pool(int threads, const std::function<std::unique_ptr<connection>()>& open) {
    const int count = std::max(threads, 1);
    for (int i = 0; i < count; ++i) connections_.push_back(open());
    for (auto& conn : connections_)
        threads_.emplace_back([this, c = conn.get()] {
            pthread_setname_np(pthread_self(), "sqlite-reader");  // as top -H and perf show it
            run(*c);
        });
}

reader_pool::~reader_pool() {
    {
        std::lock_guard lock{mutex_};
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& thread : threads_) thread.join();
}

void reader_pool::enqueue(std::unique_ptr<job> work) {
    {
        std::lock_guard lock{mutex_};
        pending_.push_back(std::move(work));
    }
    wake_.notify_one();
}

void reader_pool::run(connection& conn) {
    static constexpr const char* begin_sql = "BEGIN";
    static constexpr const char* end_sql = "COMMIT";
    for (;;) {
        std::unique_ptr<job> work;
        {
            std::unique_lock lock{mutex_};
            wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
            if (pending_.empty()) return;
            work = std::move(pending_.front());
            pending_.pop_front();
        }
        try {
            conn.prepare(begin_sql).run();
            work->execute(conn);
            conn.prepare(end_sql).run();
        } catch (...) {
            work->fail(std::current_exception());
            try {
                if (conn.in_transaction()) conn.exec("ROLLBACK");
            } catch (const core::error&) {
                // Logged by the connection; a read transaction has nothing to undo.
            }
        }
        complete_later(std::move(work));
    }
}

}  // namespace marconi::storage::sqlite
