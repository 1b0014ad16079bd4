// Marconi bench: histogram percentiles.
#include "histogram.hpp"

#include <gtest/gtest.h>

namespace marconi::bench {
namespace {

TEST(histogram, empty_reports_zero) {
    histogram h;
    EXPECT_EQ(h.count(), 0u);
    EXPECT_EQ(h.percentile(0.5), 0u);
    EXPECT_EQ(h.max(), 0u);
}

TEST(histogram, small_values_are_exact) {
    histogram h;
    for (std::uint64_t v = 1; v <= 100; ++v) h.record(v);
    EXPECT_EQ(h.percentile(0.5), 50u);
    EXPECT_EQ(h.percentile(0.9), 90u);
    EXPECT_EQ(h.percentile(0.99), 99u);
    EXPECT_EQ(h.percentile(1.0), 100u);
    EXPECT_EQ(h.percentile(0.0), 1u);
    EXPECT_EQ(h.max(), 100u);
    EXPECT_DOUBLE_EQ(h.mean(), 50.5);
}

TEST(histogram, large_values_within_relative_error) {
    histogram h;
    for (std::uint64_t v = 1; v <= 1'000'000; ++v) h.record(v);
    for (double q : {0.5, 0.9, 0.99, 0.999}) {
        const double exact = q * 1e6;
        const double got = double(h.percentile(q));
        EXPECT_GE(got, exact) << q;  // the bucket's highest value: never under-reports
        EXPECT_LE(got, exact * 1.016) << q;
    }
    EXPECT_EQ(h.percentile(1.0), 1'000'000u);  // clamped to the recorded max
}

TEST(histogram, buckets_tile_the_range) {
    for (std::size_t i = 0; i + 1 < histogram::bucket_count; ++i) {
        ASSERT_EQ(histogram::bucket_of(histogram::bucket_low(i)), i);
        ASSERT_EQ(histogram::bucket_of(histogram::bucket_high(i)), i);
        ASSERT_EQ(histogram::bucket_high(i) + 1, histogram::bucket_low(i + 1));
    }
    // Huge values land in the last bucket instead of overflowing.
    EXPECT_EQ(histogram::bucket_of(~std::uint64_t{0}), histogram::bucket_count - 1);
}

TEST(histogram, tail_is_seen) {
    histogram h;
    for (int i = 0; i < 990; ++i) h.record(100);
    for (int i = 0; i < 10; ++i) h.record(50'000);
    EXPECT_EQ(h.percentile(0.5), 100u);
    EXPECT_EQ(h.percentile(0.99), 100u);
    EXPECT_NEAR(double(h.percentile(0.999)), 50'000, 50'000 * 0.016);
    EXPECT_EQ(h.max(), 50'000u);
}

TEST(histogram, merge_equals_recording_everything_in_one) {
    histogram a, b, all;
    for (std::uint64_t v = 1; v < 5000; v += 3) {
        (v % 2 ? a : b).record(v * 7);
        all.record(v * 7);
    }
    a.merge(b);
    EXPECT_EQ(a.count(), all.count());
    EXPECT_EQ(a.max(), all.max());
    for (double q : {0.1, 0.5, 0.9, 0.99, 0.999}) EXPECT_EQ(a.percentile(q), all.percentile(q));
}

TEST(histogram, minus_gives_the_interval) {
    histogram h, before;
    for (int i = 0; i < 1000; ++i) h.record(10);
    h.snapshot_into(before);
    for (int i = 0; i < 100; ++i) h.record(5000);
    const auto d = h.minus(before);
    EXPECT_EQ(d.count(), 100u);
    EXPECT_NEAR(double(d.percentile(0.5)), 5000, 5000 * 0.016);
    EXPECT_EQ(h.count(), 1100u);
}

}  // namespace
}  // namespace marconi::bench
