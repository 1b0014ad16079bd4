// Marconi. Time source injected everywhere time matters, so expiry is testable without sleeping.
#pragma once

#include <atomic>
#include <chrono>

namespace marconi {

/// Milliseconds since the Unix epoch on the server's wall clock.
using time_point = std::chrono::sys_time<std::chrono::milliseconds>;

/// Thread-safe source of the current time.
class clock {
public:
    virtual ~clock() = default;
    virtual time_point now() const = 0;
};

/// The real wall clock.
class system_clock final : public clock {
public:
    time_point now() const override {
        return std::chrono::time_point_cast<std::chrono::milliseconds>(
            std::chrono::system_clock::now());
    }
};

/// A clock that only moves when told to; for tests. Thread-safe.
class manual_clock final : public clock {
public:
    explicit manual_clock(time_point start = time_point{std::chrono::hours{24 * 365 * 50}})
        : now_(start.time_since_epoch().count()) {}

    time_point now() const override { return time_point{std::chrono::milliseconds{now_.load()}}; }
    void advance(std::chrono::milliseconds by) { now_ += by.count(); }

private:
    std::atomic<std::int64_t> now_;
};

/// Whole seconds elapsed from `from` to `to`, as Zaqar reports `age` and `ttl`.
inline std::int64_t seconds_between(time_point from, time_point to) {
    return std::chrono::duration_cast<std::chrono::seconds>(to - from).count();
}

}  // namespace marconi
