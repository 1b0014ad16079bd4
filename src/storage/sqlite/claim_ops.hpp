// Marconi. Claim operations on an SQLite connection (synchronous; run inside a job).
#pragma once

#include "storage/contract/model.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/rows.hpp"

#include <cstdint>
#include <optional>

namespace marconi::storage::sqlite::claim_ops {

// Writer side.
std::optional<core::claim> create_claim(connection& conn, const core::queue_address& queue,
                                        const core::claim_options& options,
                                        const std::optional<core::dead_letter_policy>& dead_letter,
                                        millis now);
void update_claim(connection& conn, const core::queue_address& queue, const core::claim_id& id,
                  std::int64_t ttl, std::int64_t grace, millis now);
void delete_claim(connection& conn, const core::queue_address& queue, const core::claim_id& id);

// Reader side.
core::claim get_claim(connection& conn, const core::queue_address& queue, const core::claim_id& id,
                      millis now);

}  // namespace marconi::storage::sqlite::claim_ops
