// Marconi. PostgreSQL reads on pipelined connections, writes group-committed.
#include "storage/postgres/client.hpp"

#include "common/cross_thread_completion.hpp"
#include "storage/contract/error.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <functional>

namespace marconi::storage::postgres {

namespace {

/// A deadlock between two servers' transactions or a serialization failure: the write did
/// not happen and may simply be tried again.
bool retryable(std::string_view sqlstate) { return sqlstate == "40P01" || sqlstate == "40001"; }
constexpr int max_attempts = 3;

std::exception_ptr unavailable() {
    return std::make_exception_ptr(core::error{
        core::errc::unavailable, "The message store is not available right now; try again."});
}

/// The first line of a statement, for the log.
std::string_view head_of(const std::string& sql) {
    std::string_view text = sql;
    return text.substr(0, std::min(text.find('\n'), std::size_t{80}));
}

}  // namespace

struct client::write_job {
    std::string lock_order;
    std::vector<statement> statements;
    /// Results of the job's statements, or nullopt when it failed.
    std::function<void(std::optional<std::vector<result>>)> done;
    int attempts = 0;
    /// After its transaction failed, a job runs in one of its own, so that one bad write
    /// does not fail the others.
    bool alone = false;
};

client::client(client_options options)
    : options_(std::move(options)), work_(net::make_work_guard(io_)) {
    for (int i = 0; i < std::max(1, options_.readers); ++i) {
        readers_.push_back(std::make_shared<connection>(io_, options_.connection));
    }
    for (int i = 0; i < std::max(1, options_.writers); ++i) {
        writers_.push_back(std::make_shared<connection>(io_, options_.connection));
    }
    writer_busy_.assign(writers_.size(), false);
    thread_ = std::thread([this] { io_.run(); });
}

client::~client() {
    net::post(io_, [this] {
        auto waiting = std::move(pending_);
        pending_.clear();
        for (auto& job : waiting) job->done(std::nullopt);
        // Closing fails what is in flight; writer_busy_ stays set, so nothing new starts.
        std::fill(writer_busy_.begin(), writer_busy_.end(), true);
        for (auto& conn : readers_) conn->close();
        for (auto& conn : writers_) conn->close();
    });
    work_.reset();
    thread_.join();
}

net::awaitable<std::vector<result>> client::read(std::vector<statement> statements) {
    auto initiation = [this](auto handler, std::vector<statement> statements) {
        auto call =
            std::make_shared<cross_thread_completion<decltype(handler)>>(std::move(handler));
        net::post(io_, [this, call, statements = std::move(statements)]() mutable {
            least_loaded_reader().run(
                std::move(statements), [call](std::optional<std::vector<result>> results) {
                    if (!results) {
                        call->finish(unavailable(), std::vector<result>{});
                        return;
                    }
                    for (const auto& r : *results) {
                        if (!r.ok()) {
                            spdlog::error("postgres: a read failed: {}", r.error_message());
                            call->finish(unavailable(), std::vector<result>{});
                            return;
                        }
                    }
                    call->finish(nullptr, std::move(*results));
                });
        });
    };
    return net::async_initiate<const net::use_awaitable_t<>&,
                               void(std::exception_ptr, std::vector<result>)>(
        initiation, net::use_awaitable, std::move(statements));
}

net::awaitable<std::vector<result>> client::write(std::string lock_order,
                                                  std::vector<statement> statements) {
    auto initiation = [this](auto handler, std::string lock_order,
                             std::vector<statement> statements) {
        auto call =
            std::make_shared<cross_thread_completion<decltype(handler)>>(std::move(handler));
        auto job = std::make_shared<write_job>();
        job->lock_order = std::move(lock_order);
        job->statements = std::move(statements);
        job->done = [call](std::optional<std::vector<result>> results) {
            if (results) {
                call->finish(nullptr, std::move(*results));
            } else {
                call->finish(unavailable(), std::vector<result>{});
            }
        };
        net::post(io_, [this, job] {
            pending_.push_back(job);
            commit_pending();
        });
    };
    return net::async_initiate<const net::use_awaitable_t<>&,
                               void(std::exception_ptr, std::vector<result>)>(
        initiation, net::use_awaitable, std::move(lock_order), std::move(statements));
}

connection& client::least_loaded_reader() {
    return **std::min_element(readers_.begin(), readers_.end(),
                              [](const auto& a, const auto& b) { return a->load() < b->load(); });
}

void client::commit_pending() {
    for (std::size_t w = 0; w < writers_.size() && !pending_.empty(); ++w) {
        if (writer_busy_[w]) continue;
        std::vector<job_ptr> jobs;
        if (pending_.front()->alone) {
            jobs.push_back(std::move(pending_.front()));
            pending_.pop_front();
        } else {
            while (!pending_.empty() && !pending_.front()->alone &&
                   jobs.size() < options_.max_batch) {
                jobs.push_back(std::move(pending_.front()));
                pending_.pop_front();
            }
        }
        run_batch(w, std::move(jobs));
    }
}

void client::run_batch(std::size_t writer, std::vector<job_ptr> jobs) {
    writer_busy_[writer] = true;
    std::stable_sort(jobs.begin(), jobs.end(), [](const job_ptr& a, const job_ptr& b) {
        return a->lock_order < b->lock_order;
    });
    std::vector<statement> statements;
    statements.push_back({"BEGIN", {}});
    for (const auto& job : jobs) {
        statements.insert(statements.end(), job->statements.begin(), job->statements.end());
    }
    statements.push_back({"COMMIT", {}});
    writers_[writer]->run(
        std::move(statements),
        [this, writer, jobs = std::move(jobs)](std::optional<std::vector<result>> results) mutable {
            finish_batch(writer, std::move(jobs), std::move(results));
        });
}

void client::finish_batch(std::size_t writer, std::vector<job_ptr> jobs,
                          std::optional<std::vector<result>> results) {
    writer_busy_[writer] = false;
    if (!results) {
        // The connection went during the transaction: it may or may not have committed.
        for (auto& job : jobs) job->done(std::nullopt);
        commit_pending();
        return;
    }
    auto failed =
        std::find_if(results->begin(), results->end(), [](const result& r) { return !r.ok(); });
    if (failed == results->end()) {
        auto next = results->begin() + 1;  // past BEGIN
        for (auto& job : jobs) {
            const auto count = static_cast<std::ptrdiff_t>(job->statements.size());
            std::vector<result> own(std::make_move_iterator(next),
                                    std::make_move_iterator(next + count));
            next += count;
            job->done(std::move(own));
        }
        commit_pending();
        return;
    }

    // Nothing of the transaction committed. One job: it failed (or meets a deadlock and goes
    // again). Several: each goes again alone, so only the bad one fails.
    const std::string state{failed->sqlstate()};
    if (jobs.size() == 1) {
        auto& job = jobs.front();
        if (retryable(state) && ++job->attempts < max_attempts) {
            pending_.push_front(std::move(job));
        } else {
            const auto at = static_cast<std::size_t>(failed - results->begin());
            std::string sql = "BEGIN/COMMIT";
            if (at > 0 && at <= job->statements.size()) sql = head_of(job->statements[at - 1].sql);
            spdlog::error("postgres: a write failed ({}): {} [{}]", state, failed->error_message(),
                          sql);
            job->done(std::nullopt);
        }
    } else {
        for (auto it = jobs.rbegin(); it != jobs.rend(); ++it) {
            (*it)->alone = true;
            pending_.push_front(std::move(*it));
        }
    }
    commit_pending();
}

}  // namespace marconi::storage::postgres
