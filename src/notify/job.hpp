// Marconi. A pending notification as the outbox stores it: one message of the internal outbox
// queue per (subscription, notified message), its body this job as JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/contract/ids.hpp"

namespace marconi::notify {

/// The outbox: a queue no client can reach (control characters are refused in X-Project-ID),
/// so every driver stores, claims and expires jobs like any other message.
inline core::queue_address outbox_address() {
    return core::queue_address{core::project_id{"\x1fmarconi"}, core::queue_name{"notifications"}};
}

enum class job_kind {
    notification,  ///< a message was posted to the source
    confirmation,  ///< spec 8.4: the subscriber must confirm (require_confirmation)
};

struct job {
    job_kind kind = job_kind::notification;
    core::project_id project;  ///< the client's project (a topic's owner, not its namespace)
    bool topic = false;        ///< the source is a topic, else a queue
    core::queue_name source;
    core::subscription_id subscription;
    std::string subscriber;  ///< at enqueue time; delivery uses the subscription as re-read
    /// notification: the message's id, body (JSON text), ttl and shown delay;
    /// confirmation: payload_json is the whole SubscriptionConfirmation document.
    std::optional<core::message_id> message;
    std::string payload_json = "null";
    std::int64_t ttl = 0;
    std::optional<std::int64_t> delay;
    std::int64_t attempts = 0;  ///< deliveries tried before this job was (re)queued
    std::string last_error;     ///< why the latest of them failed

    /// Where the subscription is stored (core::topic_address for topics).
    core::queue_address source_address() const;
};

std::string encode(const job& j);
/// nullopt when `text` is not a job this version wrote.
std::optional<job> decode(const std::string& text);

/// The queue (or topic) a post went to, from its storage address: topics live under
/// core::topic_address's namespace.
struct source_ref {
    core::project_id project;
    bool topic = false;
};
source_ref source_of(const core::queue_address& address);

}  // namespace marconi::notify
