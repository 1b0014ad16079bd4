// Marconi. Per-project quotas: how many queues, messages and subscriptions a project may keep,
// and how fast it may post and claim ([quotas] and [[quotas.project]], docs/quotas.md).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "core/rate_limiter.hpp"
#include "storage/contract/ids.hpp"

namespace marconi::core {

/// One project's limits; 0 means unlimited (the default for every field).
struct quota_limits {
    std::int64_t max_queues_per_project = 0;       ///< queues and topics together
    std::int64_t max_messages_per_queue = 0;       ///< live messages, claimed and delayed ones too
    std::int64_t max_subscriptions_per_queue = 0;  ///< live subscriptions of one queue or topic
    std::int64_t posts_per_second = 0;             ///< message POST requests (a batch is one)
    std::int64_t posts_burst = 0;                  ///< 0: posts_per_second
    std::int64_t claims_per_second = 0;            ///< claim creations
    std::int64_t claims_burst = 0;                 ///< 0: claims_per_second
};

struct quota_options {
    quota_limits defaults;                                      ///< [quotas]
    std::map<std::string, quota_limits, std::less<>> projects;  ///< [[quotas.project]] by id
};

/// What a count quota bounds.
enum class counted { queues, messages, subscriptions };

/// Decides every quota question; the services call it before they write. Thread-safe: the
/// options are immutable, the rate limiters are thread-safe. Projects are the client's: a
/// topic's internal project counts as its owner's.
class quota_guard {
public:
    /// Retry-After of a count refusal: counts drop only when the client deletes (or messages
    /// expire), so this only paces clients that retry blindly.
    static constexpr std::int64_t count_retry_after_seconds = 60;

    quota_guard(quota_options options, const clock& clock);

    const quota_limits& limits_for(std::string_view project) const;
    /// The limit for `what` in the project owning `project`; 0 = unlimited (nothing to count).
    std::int64_t limit(counted what, const project_id& project) const;
    /// Throws throttled_error{quota_exceeded} unless `used + adding` fits the limit. `where`
    /// names the queue for per-queue counts.
    void check_room(counted what, const project_id& project, std::string_view where,
                    std::int64_t used, std::int64_t adding) const;

    /// Take a token of the project's post (claim) rate, or throw throttled_error{rate_limited}.
    void admit_post(const project_id& project);
    void admit_claim(const project_id& project);

private:
    quota_options options_;
    rate_limiter posts_;
    rate_limiter claims_;
};

}  // namespace marconi::core
