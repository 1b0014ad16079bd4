// Marconi.
#include "common/expiring_cache.hpp"

#include <gtest/gtest.h>

#include <string>

#include "common/project_key.hpp"

namespace marconi {
namespace {

using namespace std::chrono_literals;

using cache = expiring_cache<std::string, int>;

TEST(expiring_cache, finds_what_was_inserted) {
    manual_clock clock;
    cache c(clock, 5s, 10);
    c.insert("a", 1);
    c.insert("b", 2);
    EXPECT_EQ(c.find("a"), 1);
    EXPECT_EQ(c.find("b"), 2);
    EXPECT_FALSE(c.find("c"));
    c.insert("a", 3);
    EXPECT_EQ(c.find("a"), 3);
}

TEST(expiring_cache, entries_expire_after_max_age_on_the_clock) {
    manual_clock clock;
    cache c(clock, 5s, 10);
    c.insert("a", 1);
    clock.advance(4999ms);
    EXPECT_EQ(c.find("a"), 1);
    clock.advance(1ms);
    EXPECT_FALSE(c.find("a"));
}

TEST(expiring_cache, an_insert_may_expire_earlier_never_later) {
    manual_clock clock;
    cache c(clock, 5s, 10);
    EXPECT_TRUE(c.insert("early", 1, clock.now() + 2s));
    EXPECT_TRUE(c.insert("late", 2, clock.now() + 60s));
    EXPECT_FALSE(c.insert("past", 3, clock.now()));  // already over: not kept
    EXPECT_EQ(c.size(), 2u);
    clock.advance(2s);
    const bool early_gone = !c.find("early");
    const bool late_kept = c.find("late") == 2;
    EXPECT_TRUE(early_gone && late_kept);
    clock.advance(3s);  // max_age bounds the later one
    EXPECT_FALSE(c.find("late"));
}

TEST(expiring_cache, zero_max_age_keeps_nothing) {
    manual_clock clock;
    cache c(clock, 0ms, 10);
    EXPECT_FALSE(c.enabled());
    c.insert("a", 1);
    c.insert_if_unchanged("b", 2, c.generation());
    EXPECT_FALSE(c.find("a"));
    EXPECT_FALSE(c.find("b"));
    EXPECT_EQ(c.size(), 0u);
}

TEST(expiring_cache, erase_forgets_the_key) {
    manual_clock clock;
    cache c(clock, 5s, 10);
    c.insert("a", 1);
    c.insert("b", 2);
    c.erase("a");
    EXPECT_FALSE(c.find("a"));
    EXPECT_EQ(c.find("b"), 2);
}

TEST(expiring_cache, a_read_that_raced_with_an_erase_is_not_kept) {
    manual_clock clock;
    cache c(clock, 5s, 10);
    const auto before_read = c.generation();
    c.erase("a");  // a write lands while the read is in flight
    c.insert_if_unchanged("a", 1, before_read);
    EXPECT_FALSE(c.find("a"));
    c.insert_if_unchanged("a", 2, c.generation());
    EXPECT_EQ(c.find("a"), 2);
}

TEST(expiring_cache, clear_policy_starts_over_when_full) {
    manual_clock clock;
    cache c(clock, 5s, 3, when_full::clear);
    for (int i = 0; i < 3; ++i) c.insert(std::to_string(i), i);
    c.insert("1", 10);  // a key already held needs no room
    EXPECT_EQ(c.size(), 3u);
    c.insert("3", 3);
    EXPECT_EQ(c.size(), 1u);
    EXPECT_EQ(c.find("3"), 3);
    EXPECT_FALSE(c.find("0"));
}

TEST(expiring_cache, sweep_policy_drops_stale_entries_first) {
    manual_clock clock;
    cache c(clock, 5s, 10, when_full::sweep);
    for (int i = 0; i < 5; ++i) c.insert("old" + std::to_string(i), i);
    clock.advance(3s);
    for (int i = 0; i < 5; ++i) c.insert("new" + std::to_string(i), i);
    clock.advance(2s);  // the old ones are stale now
    c.insert("one more", 1);
    EXPECT_EQ(c.size(), 6u);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(c.find("new" + std::to_string(i)), i);
    EXPECT_EQ(c.find("one more"), 1);
}

TEST(expiring_cache, sweep_policy_trims_to_ninety_percent_when_all_are_fresh) {
    manual_clock clock;
    cache c(clock, 5s, 10, when_full::sweep);
    for (int i = 0; i < 10; ++i) c.insert(std::to_string(i), i);
    EXPECT_EQ(c.size(), 10u);
    c.insert("last", 1);
    EXPECT_EQ(c.size(), 9u);  // trimmed to 8, then the new one
    EXPECT_EQ(c.find("last"), 1);
}

TEST(expiring_cache, never_holds_more_than_capacity) {
    manual_clock clock;
    for (auto policy : {when_full::clear, when_full::sweep}) {
        cache c(clock, 5s, 7, policy);
        for (int i = 0; i < 100; ++i) {
            c.insert(std::to_string(i), i);
            EXPECT_LE(c.size(), 7u);
        }
        EXPECT_EQ(c.find("99"), 99);
    }
}

TEST(project_key, project_and_name_cannot_be_confused) {
    EXPECT_NE(key_of("ab", "c"), key_of("a", "bc"));
    EXPECT_EQ(key_of("a", "b"), key_of("a", "b"));
    EXPECT_EQ(key_of("p", "q"), std::string("p\0q", 3));
}

}  // namespace
}  // namespace marconi
