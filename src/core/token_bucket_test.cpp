// Marconi. The token bucket and the per-project rate limiter, on a manual clock (no sleeping).
#include "core/token_bucket.hpp"

#include <gtest/gtest.h>

#include "core/rate_limiter.hpp"

namespace marconi::core {
namespace {

using namespace std::chrono_literals;

TEST(token_bucket, starts_full_and_refuses_once_the_burst_is_spent) {
    manual_clock clock;
    token_bucket bucket(2, 3);  // 2 a second, at most 3
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(bucket.take(clock.now()).admitted) << i;
    const auto refused = bucket.take(clock.now());
    EXPECT_FALSE(refused.admitted);
    EXPECT_EQ(refused.retry_after, 500ms);  // the next token, at 2 a second
}

TEST(token_bucket, refills_at_its_rate_and_no_further_than_the_burst) {
    manual_clock clock;
    token_bucket bucket(2, 3);
    for (int i = 0; i < 3; ++i) bucket.take(clock.now());
    clock.advance(200ms);
    EXPECT_EQ(bucket.take(clock.now()).retry_after, 300ms);
    clock.advance(300ms);
    EXPECT_TRUE(bucket.take(clock.now()).admitted);
    EXPECT_FALSE(bucket.take(clock.now()).admitted);

    clock.advance(1h);  // idle: full again, but holding only `burst`
    EXPECT_TRUE(bucket.full(clock.now()));
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(bucket.take(clock.now()).admitted) << i;
    EXPECT_FALSE(bucket.take(clock.now()).admitted);
}

TEST(token_bucket, a_refused_take_costs_nothing) {
    manual_clock clock;
    token_bucket bucket(1, 1);
    EXPECT_TRUE(bucket.take(clock.now()).admitted);
    for (int i = 0; i < 5; ++i) EXPECT_FALSE(bucket.take(clock.now()).admitted);
    clock.advance(1s);
    EXPECT_TRUE(bucket.take(clock.now()).admitted);
}

TEST(rate_limiter, keeps_one_bucket_per_project) {
    manual_clock clock;
    rate_limiter limiter(clock);
    EXPECT_TRUE(limiter.admit("a", 1, 1).admitted);
    EXPECT_FALSE(limiter.admit("a", 1, 1).admitted);
    EXPECT_TRUE(limiter.admit("b", 1, 1).admitted);
}

}  // namespace
}  // namespace marconi::core
