// Marconi. Database work handed to a connection-owning thread and awaited by a coroutine.
#pragma once

#include "storage/sqlite/connection.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace marconi::storage::sqlite {

namespace net = boost::asio;

/// One unit of work for a thread that owns a connection. That thread calls execute() (which may
/// throw), then fail() if it threw or its transaction did not commit, then hands the job to
/// complete_later() or complete_all(), which call complete() exactly once, on executor().
class job {
public:
    virtual ~job() = default;
    virtual void execute(connection& conn) = 0;
    virtual void fail(std::exception_ptr error) noexcept = 0;
    virtual bool failed() const noexcept = 0;
    /// Resumes the awaiting caller here and now.
    virtual void complete() = 0;
    /// Where complete() must run: the awaiting coroutine's executor. None: on any thread.
    virtual std::optional<net::any_io_executor> executor() const { return std::nullopt; }
};

/// Runs `work`'s complete() posted to its executor (so never inside this call), or at once
/// when it has none.
void complete_later(std::unique_ptr<job> work);
/// The same for a batch, with one post per executor instead of one per job: the callers of a
/// group commit that share an io thread wake it once.
void complete_all(std::vector<std::unique_ptr<job>>& jobs);

/// Where jobs go: the group-commit writer or the reader pool. enqueue() is thread-safe.
class job_sink {
public:
    virtual ~job_sink() = default;
    virtual void enqueue(std::unique_ptr<job> work) = 0;
};

namespace detail {

template <class Result>
struct job_signature_of {
    using type = void(std::exception_ptr, Result);
};
template <>
struct job_signature_of<void> {
    using type = void(std::exception_ptr);
};
template <class Result>
using job_signature = typename job_signature_of<Result>::type;

template <class Result, class Fn, class Handler>
class typed_job final : public job {
public:
    typed_job(Fn fn, Handler handler)
        : fn_(std::move(fn)), handler_(std::move(handler)), work_(net::make_work_guard(handler_)) {}

    void execute(connection& conn) override {
        if constexpr (std::is_void_v<Result>) {
            fn_(conn);
        } else {
            result_.emplace(fn_(conn));
        }
    }
    void fail(std::exception_ptr error) noexcept override { error_ = std::move(error); }
    bool failed() const noexcept override { return error_ != nullptr; }

    std::optional<net::any_io_executor> executor() const override { return work_.get_executor(); }

    void complete() override {
        work_.reset();
        if constexpr (std::is_void_v<Result>) {
            std::move(handler_)(error_);
        } else if (error_) {
            std::move(handler_)(error_, Result{});
        } else {
            std::move(handler_)(nullptr, std::move(*result_));
        }
    }

private:
    struct no_result {};
    using stored = std::conditional_t<std::is_void_v<Result>, no_result, Result>;

    Fn fn_;
    Handler handler_;
    // Keeps the caller's io_context from running out of work while the job is in flight.
    net::executor_work_guard<net::associated_executor_t<Handler>> work_;
    std::optional<stored> result_;
    std::exception_ptr error_;
};

}  // namespace detail

/// Runs `fn(connection&)` on the sink's thread and resumes the caller with its result or
/// exception. The job is enqueued when the returned awaitable is first awaited.
template <class Fn>
auto async_run(job_sink& sink, Fn fn) -> net::awaitable<std::invoke_result_t<Fn&, connection&>> {
    using result = std::invoke_result_t<Fn&, connection&>;
    return net::async_initiate<const net::use_awaitable_t<>&, detail::job_signature<result>>(
        [&sink](auto handler, Fn work) {
            sink.enqueue(std::make_unique<detail::typed_job<result, Fn, decltype(handler)>>(
                std::move(work), std::move(handler)));
        },
        net::use_awaitable, std::move(fn));
}

}  // namespace marconi::storage::sqlite
