// Marconi. API limits and defaults, with Zaqar's [transport] option names and default values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace marconi::core {

/// Zaqar's hard-coded bounds (zaqar/transport/validation.py).
inline constexpr std::int64_t min_message_ttl = 60;
inline constexpr std::int64_t min_claim_ttl = 60;
inline constexpr std::int64_t min_claim_grace = 60;
inline constexpr std::int64_t min_message_delay = 0;
inline constexpr std::int64_t min_subscription_ttl = 60;
inline constexpr std::size_t queue_name_max_len = 64;
inline constexpr std::size_t project_id_max_len = 256;

enum class client_id_check { strict, off };

/// The [transport] section. Immutable after start-up; shared read-only across threads.
struct limits {
    std::int64_t default_message_ttl = 3600;  ///< seconds
    std::int64_t default_message_delay = 0;   ///< seconds
    std::int64_t default_claim_ttl = 300;     ///< seconds
    std::int64_t default_claim_grace = 60;    ///< seconds
    std::int64_t max_queues_per_page = 20;
    std::int64_t max_pools_per_page = 20;
    std::int64_t max_flavors_per_page = 20;
    std::int64_t max_messages_per_page = 20;
    std::int64_t max_messages_per_claim_or_pop = 20;
    std::int64_t max_queue_metadata = 65536;       ///< bytes of a queue PUT/PATCH body
    std::int64_t max_messages_post_size = 262144;  ///< bytes of a whole message POST body
    std::int64_t max_message_ttl = 1209600;        ///< seconds
    std::int64_t max_message_delay = 900;          ///< seconds
    std::int64_t max_claim_ttl = 43200;            ///< seconds
    std::int64_t max_claim_grace = 43200;          ///< seconds
    client_id_check client_id_uuid_safe = client_id_check::strict;
    std::int64_t min_length_client_id = 10;
    std::int64_t max_length_client_id = 36;
    bool message_delete_with_claim_id = false;
    /// GET of a queue or topic that does not exist: true answers 200 with the defaults, as
    /// Zaqar (its queues are lazy, and its API tests rely on it); false answers 404.
    bool lazy_queue_get = true;
    /// URI schemes a subscriber may use.
    std::vector<std::string> subscriber_types = {"http", "https", "mailto", "trust+http",
                                                 "trust+https"};
    std::int64_t max_subscriptions_per_page = 20;
    std::int64_t default_subscription_ttl = 3600;  ///< seconds
};

/// The [notification] options the subscription API needs.
struct notification_options {
    /// New subscriptions start unconfirmed and receive nothing until confirmed.
    bool require_confirmation = false;
};

}  // namespace marconi::core
