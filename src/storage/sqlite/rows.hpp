// Marconi. Helpers the SQLite operations share: queue lookup, message rows, time, tags.
#pragma once

#include "common/clock.hpp"
#include "storage/contract/model.hpp"
#include "storage/sqlite/connection.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace marconi::storage::sqlite {

/// Milliseconds since the epoch, the unit every time column uses.
using millis = std::int64_t;

inline time_point from_millis(millis ms) { return time_point{std::chrono::milliseconds{ms}}; }
inline millis seconds_to_millis(std::int64_t seconds) { return seconds * 1000; }

/// The queue's row id, or nullopt when the project has no such queue.
std::optional<std::int64_t> find_queue(connection& conn, const core::queue_address& queue);
/// The queue's row id, creating the queue with metadata "{}" when missing. Writer only.
std::int64_t ensure_queue(connection& conn, const core::queue_address& queue, millis now);

/// The row id of the claim `claim_text` names when it belongs to `queue_id` and is live at
/// `now`; nullopt when it is malformed, unknown, another queue's, or expired.
std::optional<std::int64_t> find_live_claim(connection& conn, std::int64_t queue_id,
                                            std::string_view claim_text, millis now);

/// The column list read_message() expects, selected from
/// `messages m LEFT JOIN claims c ON c.id = m.claim_id`. Spliced into SQL constants by macro so
/// each statement stays one literal (and one cache entry).
#define MARCONI_SQLITE_MESSAGE_COLUMNS \
    "m.seq, m.tag, m.created, m.expires, m.claim_expires, c.id, c.tag, m.claim_count, m.body"

/// A message from a row selected with MARCONI_SQLITE_MESSAGE_COLUMNS; `claim` is set only while
/// the claim is live at `now`.
core::message read_message(const statement& row, millis now);

/// A random 32-bit tag for a new message or claim id. Thread-safe (per-thread engine).
std::uint32_t random_tag();

}  // namespace marconi::storage::sqlite
