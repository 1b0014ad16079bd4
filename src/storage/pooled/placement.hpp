// Marconi. Where a new queue goes: Zaqar's weighted random choice, or consistent hashing.
#pragma once

#include "storage/contract/ids.hpp"
#include "storage/contract/options.hpp"
#include "storage/contract/pool_model.hpp"

#include <optional>
#include <random>
#include <string>
#include <vector>

namespace marconi::storage::pooled {

/// The pools a new queue may go to: those serving `flavor` (those with no flavor when it is
/// unset), weight above zero.
std::vector<core::pool_record> candidates(const std::vector<core::pool_record>& pools,
                                          const std::optional<std::string>& flavor);

/// Picks among `candidates` (all weights > 0); nullopt when there are none.
std::optional<std::string> pick_weighted_random(const std::vector<core::pool_record>& candidates,
                                                std::mt19937_64& random);
std::optional<std::string> pick_by_hash(const std::vector<core::pool_record>& candidates,
                                        const core::queue_address& queue);

}  // namespace marconi::storage::pooled
