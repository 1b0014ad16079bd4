// Marconi bench: the correctness checks, fed synthetic histories.
#include "verifier.hpp"

#include <gtest/gtest.h>

namespace marconi::bench {
namespace {

using namespace std::chrono_literals;
const bench_clock::time_point t0 = bench_clock::time_point{} + 1000h;

TEST(claim_ledger, first_claim_is_fine) {
    claim_ledger l;
    EXPECT_FALSE(l.on_claimed("q", "m1", t0, t0 + 1ms, 60s));
    EXPECT_EQ(l.violations(), 0u);
}

TEST(claim_ledger, second_claim_while_live_is_a_violation) {
    claim_ledger l;
    EXPECT_FALSE(l.on_claimed("q", "m1", t0, t0 + 1ms, 60s));
    auto v = l.on_claimed("q", "m1", t0 + 10s, t0 + 10s + 1ms, 60s);
    ASSERT_TRUE(v);
    EXPECT_NE(v->find("q/m1"), std::string::npos);
    EXPECT_EQ(l.violations(), 1u);
}

TEST(claim_ledger, claim_after_expiry_is_fine) {
    claim_ledger l;
    EXPECT_FALSE(l.on_claimed("q", "m1", t0, t0 + 1ms, 60s));
    EXPECT_FALSE(l.on_claimed("q", "m1", t0 + 61s, t0 + 61s, 60s));
    EXPECT_EQ(l.violations(), 0u);
}

TEST(claim_ledger, slack_absorbs_clock_skew_at_the_boundary) {
    claim_ledger l(1s);
    EXPECT_FALSE(l.on_claimed("q", "m1", t0, t0 + 1ms, 60s));
    // Within a second of the earliest expiry: not provably a double claim.
    EXPECT_FALSE(l.on_claimed("q", "m1", t0 + 59s + 500ms, t0 + 59s + 500ms, 60s));
    // The new claim holds it now; well inside it, a third claim is a violation.
    EXPECT_TRUE(l.on_claimed("q", "m1", t0 + 70s, t0 + 70s, 60s));
}

TEST(claim_ledger, same_id_in_other_queue_is_unrelated) {
    claim_ledger l;
    EXPECT_FALSE(l.on_claimed("q1", "m1", t0, t0, 60s));
    EXPECT_FALSE(l.on_claimed("q2", "m1", t0, t0, 60s));
    EXPECT_EQ(l.tracked(), 2u);
}

TEST(claim_ledger, claim_after_delete_is_a_violation) {
    claim_ledger l;
    EXPECT_FALSE(l.on_claimed("q", "m1", t0, t0, 60s));
    l.on_deleted("q", "m1");
    EXPECT_TRUE(l.on_claimed("q", "m1", t0 + 1s, t0 + 1s, 60s));
}

TEST(claim_ledger, prunes_expired_entries) {
    claim_ledger l;
    for (int i = 0; i < 70'000; ++i)
        EXPECT_FALSE(l.on_claimed("q", std::to_string(i), t0, t0, 60s));
    // A claim two minutes later triggers pruning once the table is large.
    for (int i = 0; i < 70'000; ++i)
        EXPECT_FALSE(l.on_claimed("q", "late" + std::to_string(i), t0 + 120s, t0 + 120s, 60s));
    EXPECT_LT(l.tracked(), 140'000u);
    EXPECT_EQ(l.violations(), 0u);
}

TEST(check_counts, balanced_queues_pass) {
    std::vector<queue_count> qs{{"a", 5, 3, 100, 0, 102, 0}, {"b", 0, 0, 10, 0, 10, 0}};
    EXPECT_TRUE(check_counts(qs).empty());
}

TEST(check_counts, a_lost_message_fails) {
    std::vector<queue_count> qs{{"a", 0, 0, 100, 0, 99, 0}};
    auto v = check_counts(qs);
    ASSERT_EQ(v.size(), 1u);
    EXPECT_NE(v[0].find("queue a"), std::string::npos);
}

TEST(check_counts, an_extra_message_fails) {
    std::vector<queue_count> qs{{"a", 0, 2, 100, 0, 99, 0}};
    EXPECT_EQ(check_counts(qs).size(), 1u);
}

TEST(check_counts, uncertain_requests_widen_the_window) {
    // Two posts timed out: 0..2 extra messages may exist.
    EXPECT_TRUE(check_counts({{"a", 0, 2, 100, 2, 100, 0}}).empty());
    EXPECT_TRUE(check_counts({{"a", 0, 0, 100, 2, 100, 0}}).empty());
    EXPECT_FALSE(check_counts({{"a", 0, 3, 100, 2, 100, 0}}).empty());
    // One delete timed out: it may have removed a message we did not count.
    EXPECT_TRUE(check_counts({{"a", 0, 0, 100, 0, 99, 1}}).empty());
}

TEST(check_counts, more_deleted_than_posted_fails) {
    auto v = check_counts({{"a", 0, -5, 10, 0, 15, 0}});
    EXPECT_FALSE(v.empty());
}

TEST(verification, ok_needs_every_applicable_check) {
    verification v;
    EXPECT_TRUE(v.ok());
    v.counts_add_up = false;
    EXPECT_FALSE(v.ok());
    v.counts_add_up.reset();
    v.no_double_claim = false;
    EXPECT_FALSE(v.ok());
}

}  // namespace
}  // namespace marconi::bench
