// Marconi. Typed configuration: defaults, then a TOML file, then MARCONI_* variables, then flags.
#pragma once

#include <cstdint>
#include <string>

#include "core/limits.hpp"
#include "storage/make_driver.hpp"

namespace marconi::config {

/// [server]
struct server_config {
    std::string bind = "127.0.0.1";  ///< listen address
    std::uint16_t port = 8888;       ///< listen port; 0 picks a free one (logged and printed)
    int workers = 0;                 ///< io threads; 0 means one per core
    bool admin_mode = false;         ///< serve admin routes (/v2/health)
    /// Seconds between background sweeps of expired messages and claims.
    int gc_interval_seconds = 30;
    /// On SIGTERM/SIGINT: how long requests in flight may take to finish before their
    /// connections are closed anyway. Idle connections close at once.
    int shutdown_grace_seconds = 10;
    /// Open connections; beyond it a new connection gets 503 with Retry-After and is closed.
    int max_connections = 10000;
    /// Requests being processed at once; beyond it a request gets 503 with Retry-After.
    int max_inflight_requests = 4096;
    /// To receive a request's headers, from its first byte (cuts off slowloris clients).
    int header_timeout_seconds = 10;
    /// To receive a request's body after its headers, and to send a response.
    int body_timeout_seconds = 30;
    /// A keep-alive connection may wait this long for its next request.
    int idle_timeout_seconds = 60;
};

/// [log]
struct log_config {
    std::string level = "info";  ///< trace, debug, info, warn, error
};

struct config {
    server_config server;
    storage::driver_options storage;  ///< [storage] uri, sync (full|normal|off), read_threads
    storage::pooling_options pooling; ///< [pooling] enabled, control_uri, placement
    core::limits transport;           ///< [transport], Zaqar's names and defaults
    log_config log;
};

/// Reads `path` (TOML) over the defaults, then MARCONI_<SECTION>_<KEY> environment variables.
/// Collects every problem (unknown key, wrong type, out of range) and throws
/// std::invalid_argument listing them all, one per line. An empty path means defaults + env.
config load(const std::string& path);

/// Every option as `section.key = value` lines, for the start-up log.
std::string describe(const config& cfg);

}  // namespace marconi::config
