// Marconi.
#include "api/http/io_pool.hpp"

#include <pthread.h>

#include <algorithm>
#include <thread>

namespace marconi::api {

io_pool::io_pool(std::size_t threads) {
    const auto count = std::max<std::size_t>(threads, 1);
    contexts_.reserve(count);
    guards_.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        // Hint 1: each context is run by one thread, so Asio skips waking other threads.
        contexts_.push_back(std::make_unique<net::io_context>(1));
        guards_.push_back(net::make_work_guard(*contexts_.back()));
    }
}

io_pool::~io_pool() = default;

net::io_context& io_pool::next() noexcept {
    return *contexts_[next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size()];
}

void io_pool::run() {
    std::vector<std::jthread> threads;
    threads.reserve(contexts_.size() - 1);
    for (std::size_t i = 1; i < contexts_.size(); ++i) {
        threads.emplace_back([context = contexts_[i].get()] {
            pthread_setname_np(pthread_self(), "marconi-io");  // as top -H and perf show it
            context->run();
        });
    }
    main().run();
    // jthread's destructor joins the others.
}

void io_pool::stop() {
    for (auto& context : contexts_) context->stop();
}

}  // namespace marconi::api
