// Marconi. Whether the message store answers, as GET /v2/ping reports it, without a storage
// round trip per ping: a background probe refreshes the answer every interval.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <atomic>
#include <chrono>

#include "storage/contract/driver.hpp"

namespace marconi::core {

/// Thread-safe. `up()` starts true: the driver opened successfully before the server started.
class storage_probe {
public:
    explicit storage_probe(storage::data_driver& driver) : driver_(driver) {}

    bool up() const noexcept { return up_.load(std::memory_order_relaxed); }

    /// Asks the store now (HEAD /v2/health): true when it answers. Leaves up() alone.
    boost::asio::awaitable<bool> ping_now() { return driver_.ping(); }

    /// Pings the driver every `interval` until the coroutine is destroyed with its io_context.
    boost::asio::awaitable<void> run(std::chrono::milliseconds interval);

private:
    storage::data_driver& driver_;
    std::atomic<bool> up_{true};
};

}  // namespace marconi::core
