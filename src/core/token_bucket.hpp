// Marconi. A lock-free token bucket, the rate half of per-project quotas.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "common/clock.hpp"

namespace marconi::core {

/// What take() decided: a token was taken, or how long until the next one arrives.
struct admission {
    bool admitted = false;
    std::chrono::microseconds retry_after{0};  ///< zero when admitted
};

/// `rate` tokens a second, holding at most `burst` (full when created). Kept as GCRA's
/// "theoretical arrival time" in one atomic, so take() is a compare-and-swap loop: lock-free
/// and safe from any thread. Time comes from the caller, so tests drive it with manual_clock.
class token_bucket {
public:
    /// `rate` in 1..1'000'000 tokens a second, `burst` >= 1.
    token_bucket(std::int64_t rate, std::int64_t burst);

    admission take(time_point now);
    /// True when the bucket holds `burst` tokens again, i.e. it is as good as a new one.
    bool full(time_point now) const;

private:
    static std::int64_t micros(time_point t);

    const std::int64_t interval_;       ///< microseconds between two tokens
    const std::int64_t tolerance_;      ///< burst * interval_: how far ahead of now tat_ may run
    std::atomic<std::int64_t> tat_{0};  ///< microseconds since the epoch
};

}  // namespace marconi::core
