// Marconi. Subscription JSON: Zaqar's keys in Zaqar's order, options spliced verbatim.
#include "api/codec/subscription_render.hpp"

#include <gtest/gtest.h>

namespace marconi::api {
namespace {

using namespace std::chrono_literals;

core::subscription sample() {
    core::subscription s;
    s.id = core::subscription_id{"0000000000000001abcdef01"};
    s.subscriber = "mailto:a@example.com?subject=\"hi\"";
    s.created = time_point{1000s};
    s.expires = time_point{1600s};
    s.ttl = 600;
    s.options_json = R"({"from":"x@example.com"})";
    s.confirmed = false;
    return s;
}

TEST(subscription_render, one_subscription) {
    EXPECT_EQ(render_subscription(sample(), "jobs", time_point{1042s}),
              R"({"id":"0000000000000001abcdef01","source":"jobs",)"
              R"("subscriber":"mailto:a@example.com?subject=\"hi\"","ttl":600,"age":42,)"
              R"("options":{"from":"x@example.com"},"confirmed":false})");
}

TEST(subscription_render, page_with_and_without_next_link) {
    EXPECT_EQ(render_subscription_page({}, "jobs", time_point{1000s}, std::nullopt),
              R"({"subscriptions":[],"links":[]})");
    auto second = sample();
    second.confirmed = true;
    const std::string next = "/v2/queues/jobs/subscriptions?marker=m";
    const auto page = render_subscription_page({sample(), second}, "jobs", time_point{1000s}, next);
    EXPECT_NE(page.find(R"("confirmed":false},{"id")"), std::string::npos) << page;
    EXPECT_NE(page.find(R"("links":[{"rel":"next","href":")" + next + R"("}]})"), std::string::npos)
        << page;
}

TEST(subscription_render, created) {
    EXPECT_EQ(render_subscription_created(core::subscription_id{"abc"}),
              R"({"subscription_id":"abc"})");
}

}  // namespace
}  // namespace marconi::api
