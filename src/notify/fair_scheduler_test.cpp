// Marconi. The fairness rules of notification delivery, with the scheduler driven directly:
// jobs are tickets, "sending" is calling start() and finish().
#include "notify/fair_scheduler.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

namespace marconi::notify {
namespace {

TEST(fair_scheduler, one_attempt_in_flight_per_subscriber) {
    fair_scheduler s(10, 10);
    s.add(1, "a", "http://hook");
    s.add(2, "a", "http://hook");
    s.add(3, "a", "http://other");
    EXPECT_EQ(s.start(), 1u);
    EXPECT_EQ(s.start(), 3u);
    EXPECT_EQ(s.start(), std::nullopt);  // 2 waits for 1
    s.finish(1, true);
    EXPECT_EQ(s.start(), 2u);
}

TEST(fair_scheduler, a_project_holds_at_most_its_share_while_another_starts) {
    fair_scheduler s(10, 4);
    fair_scheduler::ticket next = 1;
    for (int i = 0; i < 30; ++i) s.add(next++, "a", "http://hang/" + std::to_string(i));
    for (int i = 0; i < 4; ++i) EXPECT_TRUE(s.start());
    EXPECT_EQ(s.start(), std::nullopt);
    EXPECT_EQ(s.in_flight_of("a"), 4u);
    s.add(100, "b", "http://fine");
    EXPECT_EQ(s.start(), 100u);
    EXPECT_EQ(s.in_flight_of("a"), 4u);
}

TEST(fair_scheduler, never_more_than_the_workers) {
    fair_scheduler s(3, 10);  // the share cannot exceed the workers
    for (fair_scheduler::ticket t = 1; t <= 5; ++t) s.add(t, "a", std::to_string(t));
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(s.start());
    EXPECT_EQ(s.start(), std::nullopt);
    EXPECT_EQ(s.in_flight(), 3u);
    EXPECT_EQ(s.waiting(), 2u);
}

TEST(fair_scheduler, round_robin_between_projects_with_ready_work) {
    fair_scheduler s(100, 100);
    fair_scheduler::ticket next = 1;
    std::map<fair_scheduler::ticket, std::string> project_of;
    // a posts first and most, yet each round serves every project once.
    for (const auto* project : {"a", "a", "a", "a", "b", "c", "b", "c"}) {
        project_of[next] = project;
        s.add(next, project, "http://x/" + std::to_string(next));
        ++next;
    }
    std::vector<std::string> order;
    while (auto t = s.start()) order.push_back(project_of[*t]);
    EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "c", "a", "b", "c", "a", "a"}));
}

TEST(fair_scheduler, a_failing_subscriber_waits_behind_the_others_of_its_project) {
    fair_scheduler s(1, 1);
    s.add(1, "a", "http://hang");
    ASSERT_EQ(s.start(), 1u);
    s.finish(1, false);  // timed out
    s.add(2, "a", "http://hang");
    s.add(3, "a", "http://fine");
    EXPECT_EQ(s.start(), 3u);
    s.finish(3, true);
    EXPECT_EQ(s.start(), 2u);  // still served when nothing else is ready
    s.finish(2, true);         // and forgiven once it answers
    s.add(4, "a", "http://hang");
    s.add(5, "a", "http://fine");
    EXPECT_EQ(s.start(), 4u);
}

TEST(fair_scheduler, waiting_jobs_can_be_taken_back_and_bookkeeping_drains) {
    fair_scheduler s(10, 2);
    s.add(5, "a", "x");
    s.add(6, "a", "x");
    s.add(7, "a", "y");
    s.add(8, "a", "z");
    s.add(9, "b", "x");
    ASSERT_EQ(s.start(), 5u);
    EXPECT_FALSE(s.remove(5));  // in flight
    EXPECT_TRUE(s.remove(9));
    EXPECT_FALSE(s.remove(9));
    EXPECT_EQ(s.take_waiting(), (std::vector<fair_scheduler::ticket>{6, 7, 8}));
    EXPECT_EQ(s.waiting(), 0u);
    EXPECT_EQ(s.start(), std::nullopt);
    s.finish(5, true);
    EXPECT_EQ(s.in_flight(), 0u);
    EXPECT_EQ(s.in_flight_of("a"), 0u);
    s.add(10, "a", "x");
    EXPECT_EQ(s.start(), 10u);
}

// A fake sender: project a's 30 subscribers never answer (their attempts stay in flight until
// a "timeout" ends them as failures, and each comes back as a retry), b's answer at once.
// Whatever the interleaving, a holds at most its share and b's every job starts.
TEST(fair_scheduler, hanging_subscribers_hold_only_their_share) {
    constexpr std::size_t workers = 10;
    constexpr std::size_t share = 4;
    fair_scheduler s(workers, share);
    fair_scheduler::ticket next = 1;
    std::map<fair_scheduler::ticket, std::string> hanging;  // ticket -> subscriber
    for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < 30; ++i) {
            const auto name = "http://hang/" + std::to_string(i);
            hanging[next] = name;
            s.add(next++, "a", name);
        }
    }
    std::set<fair_scheduler::ticket> a_in_flight;
    std::size_t max_a = 0;
    std::size_t b_delivered = 0;
    for (int step = 0; step < 200; ++step) {
        if (step % 3 == 0) s.add(next++, "b", "http://fine/" + std::to_string(step % 7));
        while (auto t = s.start()) {
            if (hanging.contains(*t)) {
                a_in_flight.insert(*t);
            } else {
                s.finish(*t, true);
                ++b_delivered;
            }
        }
        max_a = std::max(max_a, s.in_flight_of("a"));
        EXPECT_EQ(a_in_flight.size(), s.in_flight_of("a"));
        if (step % 10 == 9 && !a_in_flight.empty()) {  // the oldest hanging attempt times out
            const auto t = *a_in_flight.begin();
            a_in_flight.erase(a_in_flight.begin());
            s.finish(t, false);
            hanging[next] = hanging[t];
            s.add(next++, "a", hanging[t]);  // its retry
        }
    }
    EXPECT_EQ(max_a, share);
    EXPECT_EQ(b_delivered, 67u);  // every one of b's jobs, each as it arrived
}

}  // namespace
}  // namespace marconi::notify
