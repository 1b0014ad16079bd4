// Marconi. `marconi serve`: wires config -> storage driver -> services -> router -> listener.
#pragma once

#include "config/config.hpp"

namespace marconi::app {

/// Runs the server until SIGINT or SIGTERM; returns the process exit code. Start-up failures
/// (unusable storage URI, address in use) are logged and return non-zero.
int serve(const config::config& cfg);

}  // namespace marconi::app
