// Marconi.
#include "core/rate_limiter.hpp"

namespace marconi::core {

admission rate_limiter::admit(std::string_view project, std::int64_t rate, std::int64_t burst) {
    return bucket_of(project, rate, burst)->take(clock_.now());
}

std::shared_ptr<token_bucket> rate_limiter::bucket_of(std::string_view project, std::int64_t rate,
                                                      std::int64_t burst) {
    auto& s = stripes_[string_hash{}(project) % stripe_count];
    std::lock_guard lock(s.mutex);
    if (auto found = s.buckets.find(project); found != s.buckets.end()) return found->second;
    if (s.buckets.size() >= sweep_threshold) {
        // A full bucket is as good as a new one, so dropping it forgets nothing (a request
        // racing the sweep may take one token from the dropped copy).
        const auto now = clock_.now();
        std::erase_if(s.buckets, [now](const auto& entry) { return entry.second->full(now); });
    }
    auto bucket = std::make_shared<token_bucket>(rate, burst);
    s.buckets.emplace(std::string(project), bucket);
    return bucket;
}

}  // namespace marconi::core
