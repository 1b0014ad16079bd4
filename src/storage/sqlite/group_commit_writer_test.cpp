// Marconi. Tests of the group-commit writer: batching, per-job rollback, failed commits, and
// resuming callers on their own executor.
#include "storage/sqlite/group_commit_writer.hpp"

#include "storage/contract/error.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <future>
#include <thread>

namespace marconi::storage::sqlite {
namespace {

/// A job driven straight from the test thread: enqueue() returns once it is queued, so the
/// test controls exactly what is pending when the writer wakes.
class test_job final : public job {
public:
    explicit test_job(std::function<void(connection&)> fn) : fn_(std::move(fn)) {}
    void execute(connection& conn) override { fn_(conn); }
    void fail(std::exception_ptr error) noexcept override { error_ = std::move(error); }
    bool failed() const noexcept override { return error_ != nullptr; }
    void complete() override { done_.set_value(error_); }
    std::future<std::exception_ptr> done() { return done_.get_future(); }

private:
    std::function<void(connection&)> fn_;
    std::exception_ptr error_;
    std::promise<std::exception_ptr> done_;
};

std::optional<core::errc> code_of(std::exception_ptr error) {
    if (!error) return std::nullopt;
    try {
        std::rethrow_exception(error);
    } catch (const core::error& e) {
        return e.code();
    } catch (...) {
        return core::errc::internal;
    }
}

class group_commit_writer_test : public ::testing::Test {
protected:
    group_commit_writer_test() {
        std::filesystem::remove(path_);
        auto conn = std::make_unique<connection>(path_, connection::access::read_write);
        conn->exec(
            "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;"
            "CREATE TABLE t (x INTEGER NOT NULL UNIQUE);"
            "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
            "CREATE TABLE child (p INTEGER REFERENCES parent (id) "
            "DEFERRABLE INITIALLY DEFERRED);");
        writer_ = std::make_unique<group_commit_writer>(std::move(conn));
    }
    ~group_commit_writer_test() override {
        writer_.reset();
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
    }

    /// Enqueues a job and returns its completion.
    std::future<std::exception_ptr> submit(std::function<void(connection&)> fn) {
        auto work = std::make_unique<test_job>(std::move(fn));
        auto done = work->done();
        writer_->enqueue(std::move(work));
        return done;
    }

    /// Occupies the writer until the returned promise is set, so later jobs pile up.
    std::pair<std::promise<void>, std::future<std::exception_ptr>> block_writer() {
        std::promise<void> gate;
        auto started = std::make_shared<std::promise<void>>();
        auto started_future = started->get_future();
        auto done = submit([opened = gate.get_future().share(), started](connection&) {
            started->set_value();
            opened.wait();
        });
        started_future.wait();
        return {std::move(gate), std::move(done)};
    }

    static std::function<void(connection&)> insert(int x) {
        return [x](connection& conn) {
            conn.prepare("INSERT INTO t (x) VALUES (?1)").bind_all(x).run();
        };
    }

    std::int64_t rows() {
        connection reader{path_, connection::access::read_only};
        auto stmt = reader.prepare("SELECT count(*) FROM t");
        stmt.step();
        return stmt.int64(0);
    }

    std::string path_ = (std::filesystem::temp_directory_path() /
                         ("marconi-writer-test-" + std::to_string(::getpid()) + ".db"))
                            .string();
    std::unique_ptr<group_commit_writer> writer_;
};

TEST_F(group_commit_writer_test, pending_jobs_share_one_commit) {
    auto [gate, blocker] = block_writer();
    std::vector<std::future<std::exception_ptr>> done;
    for (int i = 0; i < 50; ++i) done.push_back(submit(insert(i)));
    gate.set_value();
    EXPECT_FALSE(blocker.get());
    for (auto& d : done) EXPECT_FALSE(d.get());
    EXPECT_EQ(writer_->jobs(), 51);
    EXPECT_EQ(writer_->commits(), 2);  // the blocker's batch, then all 50 together
    EXPECT_EQ(rows(), 50);
}

TEST_F(group_commit_writer_test, a_failing_job_is_rolled_back_alone) {
    auto [gate, blocker] = block_writer();
    auto first = submit(insert(1));
    auto failing = submit([](connection& conn) {
        insert(2)(conn);
        throw core::error{core::errc::conflict, "no"};
    });
    auto duplicate = submit(insert(1));  // violates UNIQUE: SQLite error -> unavailable
    auto last = submit(insert(3));
    gate.set_value();
    blocker.get();
    EXPECT_FALSE(first.get());
    EXPECT_EQ(code_of(failing.get()), core::errc::conflict);
    EXPECT_EQ(code_of(duplicate.get()), core::errc::unavailable);
    EXPECT_FALSE(last.get());
    EXPECT_EQ(rows(), 2);  // 1 and 3
    EXPECT_EQ(writer_->commits(), 2);
}

TEST_F(group_commit_writer_test, a_failed_commit_fails_every_job_of_the_batch) {
    auto [gate, blocker] = block_writer();
    auto good = submit(insert(1));
    // A deferred foreign key is checked only at COMMIT, which therefore fails.
    auto orphan =
        submit([](connection& conn) { conn.prepare("INSERT INTO child (p) VALUES (42)").run(); });
    gate.set_value();
    blocker.get();
    EXPECT_EQ(code_of(good.get()), core::errc::unavailable);
    EXPECT_EQ(code_of(orphan.get()), core::errc::unavailable);
    EXPECT_EQ(rows(), 0);
    // The writer recovers: the next batch commits.
    EXPECT_FALSE(submit(insert(7)).get());
    EXPECT_EQ(rows(), 1);
}

TEST_F(group_commit_writer_test, a_full_queue_fails_new_jobs_at_once_with_unavailable) {
    writer_ = std::make_unique<group_commit_writer>(
        std::make_unique<connection>(path_, connection::access::read_write), 512, 2);
    auto [gate, blocker] = block_writer();  // running, so not pending
    auto first = submit(insert(1));
    auto second = submit(insert(2));
    auto refused = submit(insert(3));
    // Failed inside enqueue(), while the writer is still blocked.
    ASSERT_EQ(refused.wait_for(std::chrono::seconds(0)), std::future_status::ready);
    EXPECT_EQ(code_of(refused.get()), core::errc::unavailable);
    EXPECT_EQ(writer_->rejected(), 1);
    gate.set_value();
    EXPECT_FALSE(blocker.get());
    EXPECT_FALSE(first.get());
    EXPECT_FALSE(second.get());
    EXPECT_EQ(rows(), 2);
    // Room again once the queue drains.
    EXPECT_FALSE(submit(insert(4)).get());
    EXPECT_EQ(rows(), 3);
}

net::awaitable<std::thread::id> insert_and_report_thread(group_commit_writer& writer) {
    co_await async_run(
        writer, [](connection& conn) { conn.prepare("INSERT INTO t (x) VALUES (99)").run(); });
    co_return std::this_thread::get_id();
}

TEST_F(group_commit_writer_test, async_run_resumes_the_caller_on_its_own_executor) {
    net::io_context io;
    auto result = net::co_spawn(io, insert_and_report_thread(*writer_), net::use_future);
    io.run();  // returns only after the job completes: the job keeps io busy meanwhile
    EXPECT_EQ(result.get(), std::this_thread::get_id());
    EXPECT_EQ(rows(), 1);
}

net::awaitable<int> fail_in_job(group_commit_writer& writer) {
    co_return co_await async_run(writer, [](connection&) -> int {
        throw core::error{core::errc::queue_not_found, "gone"};
    });
}

TEST_F(group_commit_writer_test, async_run_rethrows_the_jobs_error_in_the_caller) {
    net::io_context io;
    auto result = net::co_spawn(io, fail_in_job(*writer_), net::use_future);
    io.run();
    try {
        result.get();
        ADD_FAILURE() << "no exception";
    } catch (const core::error& e) {
        EXPECT_EQ(e.code(), core::errc::queue_not_found);
    }
}

}  // namespace
}  // namespace marconi::storage::sqlite
