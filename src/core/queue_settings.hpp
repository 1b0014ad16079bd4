// Marconi. Reserved queue metadata (`_default_message_ttl`, `_dead_letter_queue`, ...): its
// validation, its defaults, and the settings it implies. Spec §3.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>

#include "core/limits.hpp"
#include "storage/contract/model.hpp"

namespace marconi::core {

/// What a queue's metadata means for posts and claims.
struct queue_settings {
    std::int64_t max_messages_post_size = 0;  ///< min(queue value, limits), bytes
    std::int64_t default_message_ttl = 0;     ///< seconds
    std::int64_t default_message_delay = 0;   ///< seconds
    std::optional<dead_letter_policy> dead_letter;
};

/// Checks the reserved keys of a metadata object about to be stored (PUT, PATCH result).
/// Throws error{invalid_request} with Zaqar's wording for a wrong type or range.
void validate_queue_metadata(const boost::json::object& metadata, const limits& limits);

/// The settings a stored metadata object implies; missing or falsy keys take the defaults.
queue_settings settings_from_metadata(const boost::json::object& metadata, const limits& limits);

/// Whose metadata: a queue's or a topic's. Topics (stored as queues under core::topic_address)
/// show fewer reserved defaults (Zaqar's wsgi/v2_0/topic.py).
enum class metadata_owner { queue, topic };

/// Metadata as GET and PATCH show it: the stored keys plus the reserved defaults for any that
/// are missing or falsy. A queue's: _max_messages_post_size, _default_message_ttl,
/// _default_message_delay, _dead_letter_queue, _dead_letter_queue_messages_ttl,
/// _max_claim_count, _enable_encrypt_messages; a topic's: the first three.
boost::json::object metadata_with_defaults(boost::json::object stored, const limits& limits,
                                           metadata_owner owner = metadata_owner::queue);

}  // namespace marconi::core
