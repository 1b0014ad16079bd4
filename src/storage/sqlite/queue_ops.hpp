// Marconi. Queue operations on an SQLite connection (synchronous; run inside a job).
#pragma once

#include "storage/contract/model.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/rows.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace marconi::storage::sqlite::queue_ops {

// Writer side.
bool create_queue(connection& conn, const core::queue_address& queue,
                  const std::string& metadata_json, millis now);
void set_queue_metadata(connection& conn, const core::queue_address& queue,
                        const std::string& metadata_json);
void delete_queue(connection& conn, const core::queue_address& queue);
void purge_messages(connection& conn, const core::queue_address& queue);

// Reader side.
std::optional<core::queue_record> get_queue(connection& conn, const core::queue_address& queue);
std::vector<core::queue_record> list_queues(connection& conn, const core::project_id& project,
                                            const core::queue_list_options& options);
std::int64_t count_queues(connection& conn, const core::project_id& project);
core::queue_stats get_queue_stats(connection& conn, const core::queue_address& queue, millis now);

}  // namespace marconi::storage::sqlite::queue_ops
