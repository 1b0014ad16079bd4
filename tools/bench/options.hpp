// Marconi bench: command line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

namespace marconi::bench {

/// Everything the command line can say. Plain values; validated by parse_options.
struct options {
    std::string url;  // http://host:port
    std::string host;
    std::uint16_t port = 0;

    double duration_s = 10;      // used when requests == 0
    std::uint64_t requests = 0;  // stop after this many requests in total (0: use duration)

    int producers = 0, workers = 0, observers = 0, pingers = 0;
    int queues = 1;
    std::string queue_prefix = "bench";
    std::string project = "bench";
    int batch = 1;
    int claim_limit = 10;
    int claim_ttl = 60, claim_grace = 60;
    int observer_limit = 20;
    int body_bytes = 64;
    int message_ttl = 3600;
    double rate = 0;  // total requests/s; 0 = closed loop
    std::uint64_t populate_queues = 0;
    int threads = 1;
    bool json = false, quiet = false;
    int timeout_ms = 10000;

    int connections() const { return producers + workers + observers + pingers; }
    std::string queue_name(std::uint64_t i) const { return queue_prefix + "-" + std::to_string(i); }
};

/// Either parsed options or the exit code to leave with (0 for --help, 2 for a usage error);
/// the message has already been printed.
std::variant<options, int> parse_options(int argc, char** argv);

}  // namespace marconi::bench
