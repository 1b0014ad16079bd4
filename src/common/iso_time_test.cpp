// Marconi.
#include "common/iso_time.hpp"

#include <gtest/gtest.h>

namespace marconi {
namespace {

TEST(iso8601, formats_utc_to_the_second_or_the_millisecond) {
    const time_point t{std::chrono::milliseconds{1'704'067'200'123}};  // 2024-01-01 00:00:00.123
    EXPECT_EQ(iso8601(t), "2024-01-01T00:00:00Z");
    EXPECT_EQ(iso8601(t, true), "2024-01-01T00:00:00.123000Z");
    EXPECT_EQ(iso8601(time_point{}, true), "1970-01-01T00:00:00.000000Z");
}

}  // namespace
}  // namespace marconi
