// Marconi. Waiting for replicas after a write.
#include "storage/redis/replica_wait.hpp"

#include "storage/contract/error.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace marconi::storage::redis {

namespace {

/// How long a write waits for its replicas before the request fails.
constexpr std::chrono::milliseconds replica_wait{1000};

}  // namespace

net::awaitable<void> wait_for_replicas(client& redis, std::string key, int replicas) {
    if (replicas <= 0) co_return;
    const auto acked = co_await redis.replicated(std::move(key), replicas, replica_wait);
    if (acked < replicas) {
        spdlog::warn("redis: a write reached {} of {} replicas in {} ms", acked, replicas,
                     replica_wait.count());
        throw core::error{core::errc::unavailable,
                          "The message store could not replicate the write in time; try again."};
    }
}

}  // namespace marconi::storage::redis
