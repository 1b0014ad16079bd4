// Marconi. A bulk message DELETE's parameters (HTTP query or WebSocket body), checked once
// for both transports.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/limits.hpp"
#include "storage/contract/ids.hpp"

namespace marconi::api {

std::vector<core::message_id> to_message_ids(const std::vector<std::string>& ids);

/// Either `pop` (take that many) or `ids` with, when the deployment asks for them, `claims`.
struct message_deletion {
    std::optional<std::int64_t> pop;
    std::vector<core::message_id> ids;
    std::optional<std::vector<core::claim_id>> claims;
};

/// Zaqar's checks (core::validate_message_deletion) on what the request gave; `claim_ids` is
/// read by the caller only when limits.message_delete_with_claim_id is on.
message_deletion checked_message_deletion(const std::optional<std::vector<std::string>>& ids,
                                          std::optional<std::int64_t> pop,
                                          const std::optional<std::vector<std::string>>& claim_ids,
                                          const core::limits& limits);

}  // namespace marconi::api
