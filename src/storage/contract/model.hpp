// Marconi. Value types exchanged between services and storage drivers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "storage/contract/ids.hpp"

namespace marconi::core {

/// A message ready to store: defaults resolved and limits checked by the message service.
struct new_message {
    std::string body_json;   ///< the body as serialized JSON text, stored and returned verbatim
    std::int64_t ttl = 0;    ///< seconds
    std::int64_t delay = 0;  ///< seconds before it becomes visible to claims and listings
};

/// A stored message as read back.
struct message {
    message_id id;
    std::string body_json;
    time_point created;
    time_point expires;
    std::optional<claim_id> claim;  ///< set only while a live claim holds it
    std::int64_t claim_count = 0;

    std::int64_t age(time_point now) const { return seconds_between(created, now); }
    std::int64_t ttl() const { return seconds_between(created, expires); }
};

struct message_list_options {
    std::optional<std::string> marker;  ///< opaque, from a previous page's next_marker
    std::int64_t limit = 10;
    bool echo = false;  ///< false hides messages posted by `client`
    bool include_claimed = false;
    bool include_delayed = false;
    client_id client;
};

struct message_page {
    std::vector<message> messages;
    std::optional<std::string> next_marker;  ///< set when messages is not empty
};

struct claim_options {
    std::int64_t ttl = 300;   ///< seconds
    std::int64_t grace = 60;  ///< seconds
    std::int64_t limit = 10;
};

/// Dead-lettering (queue metadata _max_claim_count, _dead_letter_queue, ...): a message already
/// claimed `max_claim_count` times moves to `queue` at its next claim instead of being returned.
struct dead_letter_policy {
    std::int64_t max_claim_count = 0;
    queue_name queue;
    std::optional<std::int64_t> message_ttl;  ///< overrides the moved messages' ttl
};

struct claim {
    claim_id id;
    time_point created;
    time_point expires;
    std::vector<message> messages;  ///< the live messages it holds

    std::int64_t age(time_point now) const { return seconds_between(created, now); }
    std::int64_t ttl() const { return seconds_between(created, expires); }
};

struct queue_record {
    queue_name name;
    std::string metadata_json;  ///< the stored metadata object as JSON text
};

struct queue_list_options {
    std::optional<std::string> marker;  ///< last queue name seen
    std::int64_t limit = 10;
    std::optional<std::string> name_contains;
    /// Metadata equality filters: key -> value as JSON text (`"bar"`, `12`).
    std::vector<std::pair<std::string, std::string>> metadata_equals;
};

struct message_summary {
    message_id id;
    time_point created;
};

struct queue_stats {
    std::int64_t free = 0;  ///< unclaimed, delayed included
    std::int64_t claimed = 0;
    std::int64_t total = 0;
    std::optional<message_summary> oldest;  ///< set when total > 0
    std::optional<message_summary> newest;
};

}  // namespace marconi::core
