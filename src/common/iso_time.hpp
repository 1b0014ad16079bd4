// Marconi. A time point as ISO 8601 UTC text, the form Zaqar's bodies and Keystone use.
#pragma once

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

#include "common/clock.hpp"

namespace marconi {

/// `2024-01-01T00:00:00Z`; with `with_millis`, `2024-01-01T00:00:00.123000Z` (Keystone's
/// microseconds, the last three digits zero).
inline std::string iso8601(time_point t, bool with_millis = false) {
    const auto whole = std::chrono::floor<std::chrono::seconds>(t);
    // time_point counts from the Unix epoch, as time_t does.
    const std::time_t seconds = whole.time_since_epoch().count();
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
    std::string out = text;
    if (with_millis) {
        char fraction[16];
        std::snprintf(fraction, sizeof fraction, ".%03lld000",
                      static_cast<long long>((t - whole).count()));
        out += fraction;
    }
    out += 'Z';
    return out;
}

}  // namespace marconi
