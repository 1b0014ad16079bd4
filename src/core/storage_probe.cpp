// Marconi.
#include "core/storage_probe.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

namespace marconi::core {

boost::asio::awaitable<void> storage_probe::run(std::chrono::milliseconds interval) {
    boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor};
    for (;;) {
        bool answered = false;
        try {
            answered = co_await driver_.ping();
        } catch (const std::exception& e) {
            spdlog::warn("storage ping failed: {}", e.what());
        }
        if (answered != up_.exchange(answered)) {
            spdlog::log(answered ? spdlog::level::info : spdlog::level::err, "message store is {}",
                        answered ? "answering again" : "not answering");
        }
        timer.expires_after(interval);
        co_await timer.async_wait(boost::asio::use_awaitable);
    }
}

}  // namespace marconi::core
