// Marconi bench: the progress line, the final table and the JSON object.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "stats.hpp"
#include "verifier.hpp"

namespace marconi::bench {

struct role_report {
    role kind;
    double duration_s = 0;  // the wall time this role's rates are computed over
    role_totals totals;
};

struct bench_report {
    double duration_s = 0;
    std::vector<role_report> roles;  // only roles that had connections
    double client_cpu_s = 0;
    verification verdict;
    std::vector<std::string> notes;  // e.g. checks skipped and why
};

/// One line per second to stderr: elapsed, req/s, msg/s per role, p50/p99, errors.
/// `interval` holds what happened since the previous line.
void print_progress(std::FILE* out, double elapsed_s, double interval_s,
                    const std::vector<role_report>& interval);

void print_table(std::FILE* out, const bench_report& report);
std::string to_json(const bench_report& report);

}  // namespace marconi::bench
