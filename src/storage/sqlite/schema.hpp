// Marconi. The SQLite schema and its versioned migrations (PRAGMA user_version).
#pragma once

#include "storage/sqlite/connection.hpp"

namespace marconi::storage::sqlite {

/// Brings the database up to the newest schema version, one migration per version, in one
/// transaction. Runs once at start-up on the write connection. Throws std::runtime_error when the
/// file was written by a newer Marconi (an unknown user_version).
void migrate(connection& conn);

/// The same for a control-store file (pools, flavors, catalog).
void migrate_control(connection& conn);

}  // namespace marconi::storage::sqlite
