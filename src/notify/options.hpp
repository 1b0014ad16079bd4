// Marconi. What the notification machinery is told by the composition root ([notification]).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace marconi::notify {

struct options {
    std::size_t max_workers = 10;  ///< deliveries in flight per server (max_notifier_workers)
    /// Of those, at most this many for one project (capped at max_workers).
    std::size_t max_workers_per_project = 5;
    bool require_confirmation = false;  ///< unconfirmed subscriptions get no notifications
    /// Queue (in the subscription's project) that receives a record of each delivery that
    /// exhausted its retries, unless the subscription names its own (`_dead_letter_queue`
    /// option); "" = log only.
    std::string dead_letter_queue = "notification_failures";
    std::chrono::milliseconds timeout{10000};       ///< per attempt: HTTP exchange or smtp_command
    std::chrono::milliseconds poll_interval{1000};  ///< outbox polling when nothing wakes us
    std::string smtp_command = "/usr/sbin/sendmail -t -oi";
    /// How long a source's subscription list is reused for posts; bounds how late a
    /// subscription created on another server is seen (this server's own are seen at once).
    std::chrono::milliseconds subscription_cache_age{5000};
    std::int64_t job_ttl = 1209600;  ///< seconds a pending job (or a failure record) is kept
    std::string secret_key;          ///< [signed_url] secret_key, for confirmation links
    /// Webhook and mail payloads carry "message_id" besides Zaqar's keys.
    bool include_message_id = false;
};

}  // namespace marconi::notify
