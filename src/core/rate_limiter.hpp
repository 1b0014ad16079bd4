// Marconi. One token bucket per project for one kind of request (posts, claims), in memory.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/clock.hpp"
#include "core/token_bucket.hpp"

namespace marconi::core {

/// Thread-safe. A project's bucket is found under one of a few striped mutexes (held for the
/// lookup only); taking the token is lock-free. State is per process: with N servers sharing a
/// store, a project gets N times the rate. Buckets that have refilled are dropped when a
/// stripe grows large, so unknown project ids cannot grow memory without bound.
class rate_limiter {
public:
    explicit rate_limiter(const clock& clock) : clock_(clock) {}

    /// Takes one of `project`'s tokens (rate a second, burst at most); rate and burst must be
    /// the same on every call for one project (they come from the immutable config).
    admission admit(std::string_view project, std::int64_t rate, std::int64_t burst);

private:
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };
    using bucket_map = std::unordered_map<std::string, std::shared_ptr<token_bucket>, string_hash,
                                          std::equal_to<>>;
    struct stripe {
        std::mutex mutex;
        bucket_map buckets;
    };

    static constexpr std::size_t stripe_count = 16;
    static constexpr std::size_t sweep_threshold = 4096;  ///< buckets per stripe

    std::shared_ptr<token_bucket> bucket_of(std::string_view project, std::int64_t rate,
                                            std::int64_t burst);

    const clock& clock_;
    std::array<stripe, stripe_count> stripes_;
};

}  // namespace marconi::core
