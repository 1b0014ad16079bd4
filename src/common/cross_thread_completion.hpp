// Marconi. The awaiting coroutine's side of work done on another thread (a store client's io
// thread): completes the coroutine exactly once, on the coroutine's own executor.
#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <exception>
#include <utility>

namespace marconi {

/// Holds the handler net::async_initiate gave, and keeps its executor alive until finish().
template <class Handler>
class cross_thread_completion {
public:
    explicit cross_thread_completion(Handler handler)
        : work_(boost::asio::make_work_guard(handler)), handler_(std::move(handler)) {}

    template <class Result>
    void finish(std::exception_ptr error, Result result) {
        auto executor = work_.get_executor();
        boost::asio::post(executor, [handler = std::move(handler_), error = std::move(error),
                                     result = std::move(result)]() mutable {
            std::move(handler)(error, std::move(result));
        });
        work_.reset();
    }

private:
    boost::asio::executor_work_guard<boost::asio::associated_executor_t<Handler>> work_;
    Handler handler_;
};

}  // namespace marconi
