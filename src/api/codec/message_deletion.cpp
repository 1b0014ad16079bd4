// Marconi.
#include "api/codec/message_deletion.hpp"

#include "core/validation.hpp"

namespace marconi::api {

std::vector<core::message_id> to_message_ids(const std::vector<std::string>& ids) {
    std::vector<core::message_id> result;
    result.reserve(ids.size());
    for (const auto& id : ids) result.emplace_back(id);
    return result;
}

message_deletion checked_message_deletion(const std::optional<std::vector<std::string>>& ids,
                                          std::optional<std::int64_t> pop,
                                          const std::optional<std::vector<std::string>>& claim_ids,
                                          const core::limits& limits) {
    core::validate_message_deletion(pop, ids ? std::optional(ids->size()) : std::nullopt,
                                    claim_ids ? std::optional(claim_ids->size()) : std::nullopt,
                                    limits);
    message_deletion deletion;
    deletion.pop = pop;
    if (pop) return deletion;
    deletion.ids = to_message_ids(*ids);
    if (claim_ids) {
        deletion.claims.emplace();
        for (const auto& id : *claim_ids) deletion.claims->emplace_back(id);
    }
    return deletion;
}

}  // namespace marconi::api
