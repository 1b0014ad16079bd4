// Marconi. Waiting for replicas after a write (redis+sentinel://...?wait_replicas=N).
#pragma once

#include "storage/redis/client.hpp"

#include <string>

namespace marconi::storage::redis {

/// After a write to `key`: waits until `replicas` replicas acknowledged it, or throws
/// core::error{unavailable} after a second. Same key, so the same node and connection as the
/// write, which the WAIT then covers. Does nothing when `replicas` is 0.
net::awaitable<void> wait_for_replicas(client& redis, std::string key, int replicas);

}  // namespace marconi::storage::redis
