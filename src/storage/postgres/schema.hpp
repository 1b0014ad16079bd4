// Marconi. The PostgreSQL schema: tables and functions, created and migrated at startup.
#pragma once

#include <string>
#include <string_view>

namespace marconi::storage::postgres {

/// `sql` with every "@." replaced by the schema's quoted name and a dot: all SQL names its
/// tables and functions in full, so nothing depends on a session's search_path (pgbouncer in
/// transaction mode shares sessions).
std::string qualified(std::string_view sql, const std::string& schema);

/// Creates the schema and brings it to the version this binary knows, in one transaction under
/// an advisory lock, so heads starting together migrate once. Blocks (startup only). Throws
/// std::runtime_error naming the cause (never the URI: callers name it, redacted): the database
/// cannot be reached, or its schema is newer than this Marconi knows.
void migrate(const std::string& conninfo, const std::string& schema);

}  // namespace marconi::storage::postgres
