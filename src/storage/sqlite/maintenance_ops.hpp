// Marconi. Garbage collection and health checks on an SQLite connection.
#pragma once

#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/rows.hpp"

#include <cstdint>

namespace marconi::storage::sqlite::maintenance_ops {

struct gc_result {
    std::int64_t messages = 0;  ///< expired messages deleted
    std::int64_t claims = 0;    ///< expired claims deleted (their messages released)
};

/// Writer side: removes at most `limit` expired messages and `limit` expired claims, so one call
/// holds the writer only briefly. Call again while either count reaches `limit`.
gc_result collect_garbage_batch(connection& conn, millis now, std::int64_t limit);

/// Reader side: a trivial query that proves the database answers.
bool ping(connection& conn);

}  // namespace marconi::storage::sqlite::maintenance_ops
