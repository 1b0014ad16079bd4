// Marconi. PostgreSQL storage URIs: libpq's own, plus the options Marconi reads itself.
#pragma once

#include <string>
#include <string_view>

namespace marconi::storage::postgres {

struct postgres_settings {
    /// What libpq connects with: the URI as given, less Marconi's own options, with
    /// connect_timeout=10 unless it names one.
    std::string conninfo;
    /// The URI with its password replaced by "***", for logs and error messages.
    std::string redacted;
    /// Every table and function lives in this schema, so deployments can share a database.
    std::string schema = "marconi";
    /// Connections for reads (each pipelines many requests) and for group-committed writes.
    /// One writer commits the most: writes to a busy queue wait for its row lock anyway, and
    /// one writer's batches are the largest (measured in docs/performance.md).
    int readers = 2;
    int writers = 1;
};

/// postgresql://[user[:password]@][host[:port][,host2[:port2]...]][/dbname][?param=value&...]
/// (postgres:// too), every parameter libpq accepts (sslmode, target_session_attrs,
/// connect_timeout, passfile, ...), plus Marconi's: schema=name ([a-z_][a-z0-9_]*, at most 63),
/// readers=N and writers=N (1 to 64). A password may also come from PGPASSWORD or a passfile,
/// as libpq reads them. Throws std::invalid_argument naming the problem (never the password).
postgres_settings parse_uri(std::string_view uri);

/// True for the schemes parse_uri reads.
bool is_postgres_uri(std::string_view uri);

}  // namespace marconi::storage::postgres
