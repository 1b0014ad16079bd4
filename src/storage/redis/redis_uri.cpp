// Marconi. Redis storage URIs.
#include "storage/redis/redis_uri.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

namespace marconi::storage::redis {

namespace {

constexpr std::string_view standalone_scheme = "redis://";
constexpr std::string_view cluster_scheme = "redis+cluster://";
constexpr std::string_view sentinel_scheme = "redis+sentinel://";
constexpr int default_sentinel_port = 26379;

[[noreturn]] void invalid(std::string_view uri, std::string_view why) {
    throw std::invalid_argument("invalid Redis storage URI '" + std::string{uri} +
                                "': " + std::string{why});
}

int parse_number(std::string_view text, std::string_view uri, std::string_view what) {
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value < 0) {
        invalid(uri, std::string{what} + " '" + std::string{text} + "' is not a number");
    }
    return value;
}

endpoint parse_host_port(std::string_view text, std::string_view uri, int default_port) {
    endpoint out;
    out.port = default_port;
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        out.host = std::string{text};
    } else {
        out.host = std::string{text.substr(0, colon)};
        out.port = parse_number(text.substr(colon + 1), uri, "port");
        if (out.port == 0 || out.port > 65535) invalid(uri, "port out of range");
    }
    if (out.host.empty()) invalid(uri, "no host");
    return out;
}

/// ?prefix=name&wait_replicas=N
void parse_query(std::string_view query, std::string_view uri, redis_settings& settings) {
    while (!query.empty()) {
        const auto amp = query.find('&');
        const auto option = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        const auto eq = option.find('=');
        const auto key = option.substr(0, eq);
        const auto value =
            eq == std::string_view::npos ? std::string_view{} : option.substr(eq + 1);
        if (key == "prefix") {
            const bool valid =
                !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
                    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
                           c == '.';
                });
            if (!valid) invalid(uri, "the prefix may hold letters, digits, '_', '-' and '.'");
            settings.prefix = std::string{value};
        } else if (key == "wait_replicas") {
            settings.wait_replicas = parse_number(value, uri, "wait_replicas");
        } else {
            invalid(uri, "unknown option '" + std::string{key} +
                             "' (the options are prefix and wait_replicas)");
        }
    }
}

}  // namespace

redis_settings parse_uri(std::string_view uri) {
    redis_settings settings;
    client_options& out = settings.client;
    std::string_view rest;
    const bool sentinel = uri.starts_with(sentinel_scheme);
    if (uri.starts_with(cluster_scheme)) {
        out.cluster = true;
        rest = uri.substr(cluster_scheme.size());
    } else if (sentinel) {
        rest = uri.substr(sentinel_scheme.size());
    } else if (uri.starts_with(standalone_scheme)) {
        rest = uri.substr(standalone_scheme.size());
    } else {
        invalid(uri, "expected redis://, redis+cluster:// or redis+sentinel://");
    }

    if (const auto question = rest.find('?'); question != std::string_view::npos) {
        parse_query(rest.substr(question + 1), uri, settings);
        rest = rest.substr(0, question);
    }

    if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
        auto credentials = rest.substr(0, at);
        // redis://:password@host, or redis://user:password@host (the user is ignored: Redis 5
        // AUTH takes a password only).
        if (const auto colon = credentials.find(':'); colon != std::string_view::npos) {
            credentials = credentials.substr(colon + 1);
        }
        out.connection.password = std::string{credentials};
        rest = rest.substr(at + 1);
    }

    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
        auto db = rest.substr(slash + 1);
        rest = rest.substr(0, slash);
        if (sentinel) {
            // redis+sentinel://hosts/master-name[/db]
            const auto next = db.find('/');
            out.sentinel_master = std::string{db.substr(0, next)};
            db = next == std::string_view::npos ? std::string_view{} : db.substr(next + 1);
        }
        if (!db.empty()) {
            if (out.cluster) invalid(uri, "Redis Cluster has only database 0");
            out.connection.database = parse_number(db, uri, "database");
        }
    }

    if (sentinel && out.sentinel_master.empty()) {
        invalid(uri, "name the master: redis+sentinel://host:26379,.../master-name");
    }
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        out.seeds.push_back(
            parse_host_port(rest.substr(0, comma), uri, sentinel ? default_sentinel_port : 6379));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
    if (out.seeds.empty()) invalid(uri, "no host");
    if (!out.cluster && !sentinel && out.seeds.size() > 1) {
        invalid(uri, "several hosts need redis+cluster://");
    }
    return settings;
}

}  // namespace marconi::storage::redis
