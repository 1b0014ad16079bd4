// Marconi. PostgreSQL storage URIs.
#include "storage/postgres/postgres_uri.hpp"

#include "storage/contract/redacted_uri.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <memory>
#include <stdexcept>
#include <vector>

namespace marconi::storage::postgres {

namespace {

constexpr std::string_view schemes[] = {"postgresql://", "postgres://"};
constexpr int default_connect_timeout_seconds = 10;

bool valid_schema(std::string_view name) {
    if (name.empty() || name.size() > 63) return false;
    if (!(name.front() == '_' || (name.front() >= 'a' && name.front() <= 'z'))) return false;
    for (char c : name) {
        if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
    }
    return true;
}

int connection_count(std::string_view name, std::string_view value) {
    int n = 0;
    const auto* end = value.data() + value.size();
    auto [ptr, ec] = std::from_chars(value.data(), end, n);
    if (ec != std::errc{} || ptr != end || n < 1 || n > 64) {
        throw std::invalid_argument("PostgreSQL URI option '" + std::string{name} +
                                    "' must be a whole number from 1 to 64");
    }
    return n;
}

}  // namespace

bool is_postgres_uri(std::string_view uri) {
    for (auto scheme : schemes) {
        if (uri.starts_with(scheme)) return true;
    }
    return false;
}

postgres_settings parse_uri(std::string_view uri) {
    if (!is_postgres_uri(uri)) {
        throw std::invalid_argument("not a PostgreSQL URI: use postgresql://...");
    }
    postgres_settings settings;
    settings.redacted = redacted_uri(uri);

    // Marconi's options are taken out of the query; libpq would refuse them.
    const auto query = uri.find('?');
    std::string conninfo{uri.substr(0, query)};
    if (query != std::string_view::npos) {
        std::vector<std::string_view> kept;
        std::string_view rest = uri.substr(query + 1);
        while (!rest.empty()) {
            const auto amp = rest.find('&');
            const auto param = rest.substr(0, amp);
            rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
            const auto eq = param.find('=');
            const auto name = param.substr(0, eq);
            const auto value =
                eq == std::string_view::npos ? std::string_view{} : param.substr(eq + 1);
            if (name == "schema") {
                if (!valid_schema(value)) {
                    throw std::invalid_argument(
                        "PostgreSQL URI option 'schema' must be 1 to 63 of [a-z0-9_], "
                        "not starting with a digit");
                }
                settings.schema = std::string{value};
            } else if (name == "readers") {
                settings.readers = connection_count(name, value);
            } else if (name == "writers") {
                settings.writers = connection_count(name, value);
            } else if (!param.empty()) {
                kept.push_back(param);
            }
        }
        for (std::size_t i = 0; i < kept.size(); ++i) {
            conninfo += i == 0 ? '?' : '&';
            conninfo += kept[i];
        }
    }
    // Without it, a host that drops packets holds the startup connect for minutes.
    const bool has_timeout = conninfo.find("?connect_timeout=") != std::string::npos ||
                             conninfo.find("&connect_timeout=") != std::string::npos;
    if (!has_timeout) {
        conninfo += conninfo.find('?') == std::string::npos ? '?' : '&';
        conninfo += "connect_timeout=" + std::to_string(default_connect_timeout_seconds);
    }

    // libpq's own check of the rest: unknown parameters, bad percent-escapes, bad ports.
    char* error = nullptr;
    std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> parsed{
        PQconninfoParse(conninfo.c_str(), &error), &PQconninfoFree};
    if (!parsed) {
        std::string reason = error ? error : "out of memory";
        PQfreemem(error);
        while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) {
            reason.pop_back();
        }
        throw std::invalid_argument("invalid PostgreSQL URI '" + settings.redacted +
                                    "': " + reason);
    }
    settings.conninfo = std::move(conninfo);
    return settings;
}

}  // namespace marconi::storage::postgres
