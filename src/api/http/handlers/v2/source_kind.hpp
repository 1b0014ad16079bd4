// Marconi. Queues and topics: Zaqar's topic API (wsgi/v2_0/topic*.py) is its queue API under
// /v2/topics, stored in a namespace of its own. One handler template per route serves both
// kinds; every wire difference between them is a field of source_traits.
#pragma once

#include <string_view>

#include "core/queue_settings.hpp"
#include "core/validation.hpp"
#include "storage/contract/ids.hpp"

namespace marconi::api::v2 {

enum class source_kind { queue, topic };

/// What differs between a queue and a topic. Immutable constants.
struct source_traits {
    /// The URL segment (`/v2/queues`), the listing's key and the policy rules' prefix
    /// (`queues:create`).
    std::string_view collection;
    /// The path parameter naming one (`{queue_name}`).
    std::string_view parameter;
    /// Whose reserved metadata defaults GET and PATCH show, and which not-found error a
    /// missing one raises (queue_not_found, topic_not_found).
    core::metadata_owner owner;
    /// Validates the name: 400 "Invalid queue identification" / "Invalid topic identification".
    void (*validate_name)(std::string_view name, std::string_view project);
    /// Where the one named `name` of `project` is stored (core::topic_address for topics).
    core::queue_address (*address)(const core::project_id& project, core::queue_name name);
    /// `with_count` is a listing keyword; Zaqar's topic listing has none (there it filters).
    bool lists_with_count;
    /// A purge of "subscriptions" removes them; Zaqar's topic purge only drops messages.
    bool purges_subscriptions;
    /// Serves /claims; topics have none.
    bool claims;
    /// Serves /share (pre-signed URLs); topics have none.
    bool shares;
};

inline constexpr source_traits queue_traits{
    .collection = "queues",
    .parameter = "{queue_name}",
    .owner = core::metadata_owner::queue,
    .validate_name = core::validate_queue_name,
    .address =
        [](const core::project_id& project, core::queue_name name) {
            return core::queue_address{project, std::move(name)};
        },
    .lists_with_count = true,
    .purges_subscriptions = true,
    .claims = true,
    .shares = true,
};

inline constexpr source_traits topic_traits{
    .collection = "topics",
    .parameter = "{topic_name}",
    .owner = core::metadata_owner::topic,
    .validate_name = core::validate_topic_name,
    .address = core::topic_address,
    .lists_with_count = false,
    .purges_subscriptions = false,
    .claims = false,
    .shares = false,
};

constexpr const source_traits& traits_of(source_kind kind) {
    return kind == source_kind::queue ? queue_traits : topic_traits;
}

}  // namespace marconi::api::v2
