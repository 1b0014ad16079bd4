// Marconi bench: command line.
#include "options.hpp"

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdio>

namespace marconi::bench {

namespace {

/// Accepts http://host:port[/] only: the bench always talks plain HTTP/1.1 to one endpoint.
bool split_url(options& o) {
    constexpr std::string_view scheme = "http://";
    std::string_view rest = o.url;
    if (!rest.starts_with(scheme)) return false;
    rest.remove_prefix(scheme.size());
    if (auto slash = rest.find('/'); slash != std::string_view::npos) {
        if (rest.substr(slash) != "/") return false;
        rest = rest.substr(0, slash);
    }
    const auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) {
        o.host = std::string(rest);
        o.port = 80;
    } else {
        o.host = std::string(rest.substr(0, colon));
        const auto port = rest.substr(colon + 1);
        auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), o.port);
        if (ec != std::errc{} || end != port.data() + port.size() || o.port == 0) return false;
    }
    if (o.host.starts_with('[') && o.host.ends_with(']'))
        o.host = o.host.substr(1, o.host.size() - 2);
    return !o.host.empty();
}

}  // namespace

std::variant<options, int> parse_options(int argc, char** argv) {
    options o;
    std::optional<double> duration;
    std::optional<std::uint64_t> requests;
    std::optional<int> producers;
    CLI::App cli{"marconi-bench: load generator and correctness checker for Zaqar v2 servers"};
    cli.add_option("--url", o.url, "Server base URL, http://HOST:PORT")->required();
    auto* dur = cli.add_option("--duration", duration, "Run for this many seconds (default 10)")
                    ->check(CLI::PositiveNumber);
    auto* req = cli.add_option("--requests", requests, "Stop after N requests in total")
                    ->check(CLI::PositiveNumber);
    dur->excludes(req);
    cli.add_option("--producers", producers, "Producer connections (POST messages)")
        ->check(CLI::NonNegativeNumber);
    cli.add_option("--workers", o.workers, "Worker connections (claim, then delete)")
        ->check(CLI::NonNegativeNumber);
    cli.add_option("--observers", o.observers, "Observer connections (list with echo)")
        ->check(CLI::NonNegativeNumber);
    cli.add_option("--pingers", o.pingers, "Ping connections (GET /v2/ping)")
        ->check(CLI::NonNegativeNumber);
    cli.add_option("--queues", o.queues, "Queues <prefix>-0..Q-1 (default 1)")
        ->check(CLI::PositiveNumber);
    cli.add_option("--queue-prefix", o.queue_prefix, "Queue name prefix (default bench)");
    cli.add_option("--project", o.project, "X-Project-ID (default bench)");
    cli.add_option("--batch", o.batch, "Messages per producer POST (default 1)")
        ->check(CLI::Range(1, 1000));
    cli.add_option("--claim-limit", o.claim_limit, "Worker claim ?limit= (default 10)")
        ->check(CLI::Range(1, 1000));
    cli.add_option("--claim-ttl", o.claim_ttl, "Claim ttl in seconds (default 60)")
        ->check(CLI::PositiveNumber);
    cli.add_option("--claim-grace", o.claim_grace, "Claim grace in seconds (default 60)")
        ->check(CLI::NonNegativeNumber);
    cli.add_option("--observer-limit", o.observer_limit, "Observer ?limit= (default 20)")
        ->check(CLI::Range(1, 1000));
    cli.add_option("--body-bytes", o.body_bytes, "Approximate bytes per message body (default 64)")
        ->check(CLI::Range(2, 1 << 20));
    cli.add_option("--rate", o.rate, "Open loop: total requests/s (default 0 = closed loop)")
        ->check(CLI::NonNegativeNumber);
    cli.add_option("--populate-queues", o.populate_queues,
                   "Instead of roles: PUT N queues, then POST one message to each");
    cli.add_option("--threads", o.threads, "IO threads (default 1)")->check(CLI::Range(1, 256));
    cli.add_flag("--json", o.json, "Print one JSON object instead of the table");
    cli.add_flag("--quiet", o.quiet, "No progress line");
    cli.add_option("--timeout-ms", o.timeout_ms, "Per-request timeout (default 10000)")
        ->check(CLI::PositiveNumber);
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = cli.exit(e);
        return rc == 0 ? 0 : 2;
    }
    if (!split_url(o)) {
        std::fprintf(stderr, "marconi-bench: --url must look like http://127.0.0.1:8888\n");
        return 2;
    }
    if (duration) o.duration_s = *duration;
    if (requests) o.requests = *requests;
    o.producers = producers.value_or(o.populate_queues ? 32 : 0);
    if (o.populate_queues) {
        if (o.workers || o.observers || o.pingers) {
            std::fprintf(
                stderr,
                "marconi-bench: --populate-queues replaces the roles; use only --producers\n");
            return 2;
        }
        if (o.producers == 0) o.producers = 32;
    } else if (o.connections() == 0) {
        std::fprintf(stderr,
                     "marconi-bench: nothing to do: give --producers, --workers, "
                     "--observers or --pingers (or --populate-queues)\n");
        return 2;
    }
    return o;
}

}  // namespace marconi::bench
