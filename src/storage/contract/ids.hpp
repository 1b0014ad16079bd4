// Marconi. Identifier types: each id is its own type so they cannot be passed for one another.
#pragma once

#include <string>
#include <string_view>

#include "common/strong.hpp"

namespace marconi::core {

using project_id = strong<std::string, struct project_id_tag>;
using queue_name = strong<std::string, struct queue_name_tag>;
using client_id = strong<std::string, struct client_id_tag>;
/// Opaque to everything above storage; each driver chooses its encoding.
using message_id = strong<std::string, struct message_id_tag>;
using claim_id = strong<std::string, struct claim_id_tag>;
using subscription_id = strong<std::string, struct subscription_id_tag>;

/// A queue as seen by storage: every key is scoped by project.
struct queue_address {
    project_id project;
    queue_name name;
};

/// Topics live in a namespace of their own: topic T of project P is stored as queue T of the
/// project `P + '\x1f' + "topics"`, which no client can name (validate_project_id refuses
/// control characters). Every driver thus stores topic messages and subscriptions unchanged,
/// and, unlike Zaqar (spec section 4), a queue and a topic of the same name share nothing.
inline queue_address topic_address(const project_id& project, queue_name topic) {
    return queue_address{project_id{project.value() + "\x1ftopics"}, std::move(topic)};
}

/// The client's project behind a stored address's project: P for a topic's `P\x1ftopics`.
inline std::string_view tenant_of(const project_id& stored) {
    const std::string_view project = stored.value();
    return project.substr(0, project.find('\x1f'));
}

}  // namespace marconi::core
