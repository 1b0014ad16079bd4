// Marconi. Redis storage URIs.
#pragma once

#include "storage/redis/client.hpp"

#include <string_view>

namespace marconi::storage::redis {

struct redis_settings {
    client_options client;
    std::string prefix = "marconi";  ///< starts every key
    /// After each write, WAIT until this many replicas have it (0: don't): with Sentinel, a
    /// failover then cannot lose an acknowledged write. Not enough replicas in time is a 503.
    int wait_replicas = 0;
};

/// redis://[:password@]host[:port][/db][?prefix=name],
/// redis+cluster://[:password@]h1:p1,h2:p2,...[?prefix=name] (the seeds; the rest of the
/// cluster is found with CLUSTER SLOTS) and
/// redis+sentinel://[:password@]s1[:26379],s2,.../master-name[/db][?prefix=name] (the
/// sentinels; the password is the master's). Options: prefix=name, wait_replicas=N. Throws
/// std::invalid_argument naming the problem.
redis_settings parse_uri(std::string_view uri);

}  // namespace marconi::storage::redis
