// Marconi. How the SQL stores name their rows outside the driver: message, claim and
// subscription ids, and list markers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace marconi::storage {

/// A row's primary key plus the random tag that must match before the row is revealed.
struct row_key {
    std::int64_t id = 0;
    std::uint32_t tag = 0;
};

/// 24 lowercase hex digits: 16 for the row id, then 8 for the tag.
std::string encode_key(row_key key);
/// nullopt unless `text` is exactly what encode_key produces.
std::optional<row_key> decode_key(std::string_view text);

/// A message-list marker: the decimal seq of the last message of the previous page.
std::string encode_marker(std::int64_t seq);
/// nullopt unless `text` is a non-negative decimal that fits an int64.
std::optional<std::int64_t> decode_marker(std::string_view text);

/// Where a message listing resumes: the seq `marker` names, 0 without one. A marker that is
/// not one is errors::invalid_marker.
std::int64_t seq_after(const std::optional<std::string>& marker);
/// Where a listing of rows named by encode_key resumes: the row id of `marker` (an id of an
/// earlier page), 0 without one. A malformed one is errors::invalid_marker.
std::int64_t row_after(const std::optional<std::string>& marker);

}  // namespace marconi::storage
