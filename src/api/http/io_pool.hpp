// Marconi. The server's io threads: one io_context per thread ("thread per core").
//
// A connection is pinned to one context for its whole life, so its handlers never cross
// threads and two io threads never contend for one scheduler's lock or wake each other up.
// With one context shared by every thread, those wake-ups and that lock were a quarter of the
// server's CPU on the request path (docs/performance.md).
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

namespace marconi::api {

namespace net = boost::asio;

/// Owns `threads` io_contexts, each run by exactly one thread. next() and stop() are
/// thread-safe; run() is called once.
class io_pool {
public:
    explicit io_pool(std::size_t threads);
    io_pool(const io_pool&) = delete;
    io_pool& operator=(const io_pool&) = delete;
    ~io_pool();

    /// The first context, run by the thread that calls run(): the accept loops, timers,
    /// signals and background services live here beside the connections it is given.
    net::io_context& main() noexcept { return *contexts_.front(); }
    /// The context for a new connection: round robin over all of them.
    net::io_context& next() noexcept;
    std::size_t size() const noexcept { return contexts_.size(); }

    /// Runs every context on its own thread, the first on the caller's, until stop().
    void run();
    /// Makes run() return once every context has finished its current handler.
    void stop();

private:
    using guard = net::executor_work_guard<net::io_context::executor_type>;
    std::vector<std::unique_ptr<net::io_context>> contexts_;
    std::vector<guard> guards_;  // keep contexts with no connection yet from running dry
    std::atomic<std::size_t> next_{0};
};

}  // namespace marconi::api
