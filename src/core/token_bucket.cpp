// Marconi.
#include "core/token_bucket.hpp"

#include <algorithm>

namespace marconi::core {

token_bucket::token_bucket(std::int64_t rate, std::int64_t burst)
    : interval_(1'000'000 / rate), tolerance_(interval_ * burst) {}

std::int64_t token_bucket::micros(time_point t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

admission token_bucket::take(time_point now) {
    const auto t = micros(now);
    auto tat = tat_.load(std::memory_order_relaxed);
    for (;;) {
        // Each token moves the arrival time one interval on; an empty bucket is one whose
        // arrival time has run more than `burst` intervals ahead of now.
        const auto next = std::max(tat, t) + interval_;
        if (next - t > tolerance_) {
            return admission{false, std::chrono::microseconds{next - t - tolerance_}};
        }
        if (tat_.compare_exchange_weak(tat, next, std::memory_order_relaxed)) {
            return admission{true, {}};
        }
    }
}

bool token_bucket::full(time_point now) const {
    return tat_.load(std::memory_order_relaxed) <= micros(now);
}

}  // namespace marconi::core
