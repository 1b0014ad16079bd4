// Marconi. What the PostgreSQL stores share: time in milliseconds, and messages read from rows.
#pragma once

#include "common/clock.hpp"
#include "storage/contract/model.hpp"
#include "storage/postgres/result.hpp"

#include <cstdint>
#include <string>

namespace marconi::storage::postgres {

/// Milliseconds since the epoch, the unit every time column uses.
using millis = std::int64_t;

inline millis to_millis(time_point at) { return at.time_since_epoch().count(); }
inline time_point from_millis(millis ms) { return time_point{std::chrono::milliseconds{ms}}; }

/// The columns read_message() expects, from `messages m LEFT JOIN claims c ON c.id = m.claim_id`.
inline constexpr const char* message_columns =
    "m.seq, m.tag, m.created, m.expires, m.claim_id, c.tag, m.claim_expires, m.claim_count, "
    "m.body";

/// Row `row` of `r`, selected with message_columns; `claim` is set only while it is live.
core::message read_message(const result& r, int row, millis now);

/// The public id of a (seq or row id, tag) pair in columns `column` and `column + 1`.
std::string key_at(const result& r, int row, int column);

}  // namespace marconi::storage::postgres
