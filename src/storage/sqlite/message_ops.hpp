// Marconi. Message operations on an SQLite connection (synchronous; run inside a job).
#pragma once

#include "storage/contract/model.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/rows.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace marconi::storage::sqlite::message_ops {

// Writer side.
std::vector<core::message_id> post_messages(connection& conn, const core::queue_address& queue,
                                            const core::client_id& client,
                                            const std::vector<core::new_message>& batch,
                                            millis now);
void delete_message(connection& conn, const core::queue_address& queue, const core::message_id& id,
                    const std::optional<core::claim_id>& claim, millis now);
void delete_messages(connection& conn, const core::queue_address& queue,
                     const std::vector<core::message_id>& ids,
                     const std::optional<std::vector<core::claim_id>>& claims, millis now);
std::vector<core::message> pop_messages(connection& conn, const core::queue_address& queue,
                                        std::int64_t limit, millis now);

// Reader side.
core::message_page list_messages(connection& conn, const core::queue_address& queue,
                                 const core::message_list_options& options, millis now);
std::vector<core::message> get_messages(connection& conn, const core::queue_address& queue,
                                        const std::vector<core::message_id>& ids, millis now);

}  // namespace marconi::storage::sqlite::message_ops
