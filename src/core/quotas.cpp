// Marconi.
#include "core/quotas.hpp"

#include "storage/contract/error.hpp"

namespace marconi::core {

namespace {

using std::to_string;

std::string_view key_of(counted what) {
    switch (what) {
        case counted::queues: return "max_queues_per_project";
        case counted::messages: return "max_messages_per_queue";
        case counted::subscriptions: return "max_subscriptions_per_queue";
    }
    return {};
}

std::string describe_refusal(counted what, std::string_view project, std::string_view where,
                             std::int64_t used, std::int64_t adding, std::int64_t limit) {
    const auto quota = " (quotas." + std::string(key_of(what)) + ").";
    switch (what) {
        case counted::queues:
            return "Project " + std::string(project) + " has " + to_string(used) +
                   " queues and topics, its limit" + quota;
        case counted::messages:
            return "Queue " + std::string(where) + " holds " + to_string(used) + " messages; " +
                   to_string(adding) + " more would exceed its limit of " + to_string(limit) +
                   quota;
        case counted::subscriptions:
            return "Queue " + std::string(where) + " has " + to_string(used) +
                   " subscriptions, its limit" + quota;
    }
    return {};
}

/// Whole seconds until the next token, rounded up: a client that waits that long succeeds.
std::int64_t retry_seconds(std::chrono::microseconds wait) {
    return std::max<std::int64_t>(1, (wait.count() + 999'999) / 1'000'000);
}

void admit(rate_limiter& limiter, std::string_view project, std::int64_t rate, std::int64_t burst,
           std::string_view action, std::string_view key) {
    if (rate == 0) return;
    const auto decision = limiter.admit(project, rate, burst == 0 ? rate : burst);
    if (decision.admitted) return;
    throw throttled_error(errc::rate_limited,
                          "Project " + std::string(project) + " may " + std::string(action) + " " +
                              to_string(rate) + " times a second (quotas." + std::string(key) +
                              ").",
                          retry_seconds(decision.retry_after));
}

}  // namespace

quota_guard::quota_guard(quota_options options, const clock& clock)
    : options_(std::move(options)), posts_(clock), claims_(clock) {}

const quota_limits& quota_guard::limits_for(std::string_view project) const {
    const auto found = options_.projects.find(project);
    return found == options_.projects.end() ? options_.defaults : found->second;
}

std::int64_t quota_guard::limit(counted what, const project_id& project) const {
    const auto& l = limits_for(tenant_of(project));
    switch (what) {
        case counted::queues: return l.max_queues_per_project;
        case counted::messages: return l.max_messages_per_queue;
        case counted::subscriptions: return l.max_subscriptions_per_queue;
    }
    return 0;
}

void quota_guard::check_room(counted what, const project_id& project, std::string_view where,
                             std::int64_t used, std::int64_t adding) const {
    const auto max = limit(what, project);
    if (max == 0 || used + adding <= max) return;
    throw throttled_error(errc::quota_exceeded,
                          describe_refusal(what, tenant_of(project), where, used, adding, max),
                          count_retry_after_seconds);
}

void quota_guard::admit_post(const project_id& project) {
    const auto tenant = tenant_of(project);
    const auto& l = limits_for(tenant);
    admit(posts_, tenant, l.posts_per_second, l.posts_burst, "post messages", "posts_per_second");
}

void quota_guard::admit_claim(const project_id& project) {
    const auto tenant = tenant_of(project);
    const auto& l = limits_for(tenant);
    admit(claims_, tenant, l.claims_per_second, l.claims_burst, "claim messages",
          "claims_per_second");
}

}  // namespace marconi::core
