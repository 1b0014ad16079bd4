// Marconi bench: sets up connections and io threads, runs the load, checks and reports.
#pragma once

#include "options.hpp"

namespace marconi::bench {

/// Runs the whole benchmark described by `opt` and prints the report. Returns the process exit
/// code: 0 verification passed, 1 it failed, 2 the server could not be reached.
int run_bench(const options& opt);

}  // namespace marconi::bench
