// Marconi. The outcome of one operation that any number of coroutines wait for: the Keystone
// validation of a token that several requests carry at once, or the service user's login.
#pragma once

#include <boost/asio/append.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace marconi::auth {

namespace net = boost::asio;

/// Set once; every waiter, earlier or later, gets a copy of the value, resumed through its own
/// executor (never inline in set()). Thread-safe. A waiter that arrives after set() completes
/// at once (posted). Waiting is not cancellable: whoever owns the operation must set() within
/// a bounded time. Waiters still queued when this object is destroyed (or abandon()ed) are
/// destroyed unresumed.
template <class T>
class pending_result {
public:
    /// Completes with the value once set() has been called.
    template <class CompletionToken = net::use_awaitable_t<>>
    auto async_wait(CompletionToken&& token = {}) {
        return net::async_initiate<CompletionToken, void(T)>(
            [this](auto handler) {
                auto waiter = std::make_unique<waiter_for<decltype(handler)>>(std::move(handler));
                std::unique_lock lock(mutex_);
                if (!value_) {
                    waiters_.push_back(std::move(waiter));
                    return;
                }
                T copy = *value_;
                lock.unlock();
                waiter->complete(std::move(copy));
            },
            token);
    }

    /// Stores `value` and resumes every waiter. Only the first call counts; returns whether
    /// this was it.
    bool set(T value) {
        std::vector<std::unique_ptr<waiter>> waiters;
        {
            std::lock_guard lock(mutex_);
            if (value_) return false;
            value_.emplace(std::move(value));
            waiters.swap(waiters_);
        }
        for (auto& w : waiters) w->complete(*value_);
        return true;
    }

    /// Destroys the waiters unresumed (their coroutines are destroyed through their own
    /// executors). For shutdown: waiting coroutines may own whatever owns this object, and
    /// dropping them breaks that cycle.
    void abandon() {
        std::vector<std::unique_ptr<waiter>> waiters;
        {
            std::lock_guard lock(mutex_);
            waiters.swap(waiters_);
        }
    }

private:
    /// A waiting handler with the executor it must be resumed on. (Not any_completion_handler:
    /// in Boost 1.81 its type-erased executor cannot be required to be non-blocking, which
    /// post needs.)
    struct waiter {
        virtual ~waiter() = default;
        virtual void complete(T value) = 0;
    };

    template <class Handler>
    struct waiter_for final : waiter {
        explicit waiter_for(Handler h)
            : executor(net::get_associated_executor(h)), handler(std::move(h)) {}
        void complete(T value) override {
            net::post(executor, net::append(std::move(handler), std::move(value)));
        }
        net::associated_executor_t<Handler> executor;
        Handler handler;
    };

    mutable std::mutex mutex_;
    std::optional<T> value_;  // never changes once set, so set() reads it unlocked
    std::vector<std::unique_ptr<waiter>> waiters_;
};

}  // namespace marconi::auth
