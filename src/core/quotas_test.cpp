// Marconi. The quota decisions: overrides, topics as their owners', refusals and Retry-After.
#include "core/quotas.hpp"

#include <gtest/gtest.h>

#include "storage/contract/error.hpp"

namespace marconi::core {
namespace {

quota_options two_tier() {
    quota_options options;
    options.defaults.posts_per_second = 1;
    options.defaults.max_queues_per_project = 2;
    quota_limits big = options.defaults;
    big.posts_per_second = 10;
    big.posts_burst = 20;
    options.projects.emplace("big", big);
    return options;
}

TEST(quota_guard, refuses_a_post_over_the_rate_with_the_wait_in_whole_seconds) {
    manual_clock clock;
    quota_guard guard(two_tier(), clock);
    guard.admit_post(project_id{"small"});  // burst 0 means one second's worth: 1
    try {
        guard.admit_post(project_id{"small"});
        FAIL() << "second post admitted";
    } catch (const throttled_error& e) {
        EXPECT_EQ(e.code(), errc::rate_limited);
        EXPECT_EQ(e.retry_after_seconds(), 1);
        EXPECT_NE(e.description().find("quotas.posts_per_second"), std::string_view::npos);
    }
    guard.admit_claim(project_id{"small"});  // claims are unlimited
}

TEST(quota_guard, applies_a_projects_override_and_counts_topics_as_their_owners) {
    manual_clock clock;
    quota_guard guard(two_tier(), clock);
    for (int i = 0; i < 20; ++i) guard.admit_post(project_id{"big"});
    EXPECT_THROW(guard.admit_post(topic_address(project_id{"big"}, queue_name{"t"}).project),
                 throttled_error);
    EXPECT_EQ(guard.limit(counted::queues, project_id{"big"}), 2);
    EXPECT_EQ(guard.limit(counted::messages, project_id{"big"}), 0);
}

TEST(quota_guard, check_room_refuses_what_would_exceed_the_limit) {
    manual_clock clock;
    quota_guard guard(two_tier(), clock);
    const project_id p{"p"};
    guard.check_room(counted::queues, p, "q", 1, 1);
    try {
        guard.check_room(counted::queues, p, "q", 2, 1);
        FAIL() << "third queue allowed";
    } catch (const throttled_error& e) {
        EXPECT_EQ(e.code(), errc::quota_exceeded);
        EXPECT_EQ(e.retry_after_seconds(), quota_guard::count_retry_after_seconds);
        EXPECT_NE(e.description().find("quotas.max_queues_per_project"), std::string_view::npos);
    }
    guard.check_room(counted::messages, p, "q", 1'000'000, 1'000);  // unlimited
}

}  // namespace
}  // namespace marconi::core
