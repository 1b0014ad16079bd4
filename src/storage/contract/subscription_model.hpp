// Marconi. Subscriptions as services and storage exchange them (spec section 5.5).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.hpp"
#include "storage/contract/ids.hpp"

namespace marconi::core {

/// A subscription ready to store: validated, defaults resolved.
struct new_subscription {
    std::string subscriber;           ///< URI: http(s)://, mailto:, trust+http(s)://
    std::int64_t ttl = 3600;          ///< seconds
    std::string options_json = "{}";  ///< a JSON object, stored and returned verbatim
    bool confirmed = true;            ///< false when [notification] require_confirmation is on
};

/// A stored subscription. Its source (queue, or topic via core::topic_address) is the address
/// it was read from; the api layer shows the address's name as "source".
struct subscription {
    subscription_id id;
    std::string subscriber;
    time_point created;
    time_point expires;    ///< when it stops being live: the last set ttl after its setting
    std::int64_t ttl = 0;  ///< seconds, as last set (Zaqar shows this, not expires - created)
    std::string options_json;
    bool confirmed = true;

    std::int64_t age(time_point now) const { return seconds_between(created, now); }
};

/// The outcome of create_subscription. Zaqar replies 201 with the existing id when an
/// unconfirmed subscription with the same subscriber exists, and 409 when it is confirmed.
struct subscription_created {
    subscription_id id;
    bool created = true;    ///< false: a live one with this subscriber already existed
    bool confirmed = true;  ///< the (new or existing) subscription's state
};

/// PATCH: only the given fields change. A new ttl restarts the lifetime from now.
struct subscription_update {
    std::optional<std::string> subscriber;
    std::optional<std::int64_t> ttl;
    std::optional<std::string> options_json;
};

}  // namespace marconi::core
