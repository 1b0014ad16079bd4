// Marconi.
#include "api/codec/render.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace marconi::api {
namespace {

using namespace std::chrono_literals;

core::message make_message(std::string id, time_point created, std::optional<std::string> claim) {
    core::message m;
    m.id = core::message_id{std::move(id)};
    m.body_json = R"({"k":"v"})";
    m.created = created;
    m.expires = created + 300s;
    if (claim) m.claim = core::claim_id{*claim};
    m.claim_count = 2;
    return m;
}

TEST(render, message_page_is_valid_json_with_claim_hrefs_and_next_link) {
    const time_point t0{1'000'000s};
    std::vector<core::message> page{make_message("m1", t0, std::nullopt),
                                    make_message("m2", t0, "c9")};
    const auto text = render_message_page(page, "/v2/queues/q", t0 + 12s,
                                          std::string("/v2/queues/q/messages?marker=7"));
    const auto doc = boost::json::parse(text);
    const auto& messages = doc.at("messages").as_array();
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0].at("href"), "/v2/queues/q/messages/m1");
    EXPECT_EQ(messages[1].at("href"), "/v2/queues/q/messages/m2?claim_id=c9");
    EXPECT_EQ(messages[0].at("age"), 12);
    EXPECT_EQ(messages[0].at("ttl"), 300);
    EXPECT_EQ(messages[0].at("body").at("k"), "v");
    EXPECT_EQ(doc.at("links").at(0).at("rel"), "next");
    EXPECT_EQ(doc.at("links").at(0).at("href"), "/v2/queues/q/messages?marker=7");
}

TEST(render, empty_page_has_no_links) {
    const auto doc = boost::json::parse(render_message_page({}, "/v2/queues/q", time_point{}, {}));
    EXPECT_TRUE(doc.at("messages").as_array().empty());
    EXPECT_TRUE(doc.at("links").as_array().empty());
}

TEST(render, popped_messages_use_the_raw_storage_form) {
    const time_point t0{1'000'000s};
    const auto doc = boost::json::parse(render_popped({make_message("m1", t0, {})}, t0 + 1s));
    const auto& m = doc.at("messages").at(0);
    EXPECT_EQ(m.at("claim_count"), 2);
    EXPECT_TRUE(m.at("claim_id").is_null());
    EXPECT_FALSE(m.as_object().contains("href"));
}

TEST(render, stats_include_oldest_and_newest_only_when_not_empty) {
    const time_point t0{1'700'000'000s};
    core::queue_stats empty;
    auto doc = boost::json::parse(render_stats(empty, "/v2/queues/q", t0));
    EXPECT_FALSE(doc.at("messages").as_object().contains("oldest"));

    core::queue_stats stats{2, 1, 3, core::message_summary{core::message_id{"a"}, t0},
                            core::message_summary{core::message_id{"b"}, t0 + 5s}};
    doc = boost::json::parse(render_stats(stats, "/v2/queues/q", t0 + 10s));
    EXPECT_EQ(doc.at("messages").at("total"), 3);
    EXPECT_EQ(doc.at("messages").at("oldest").at("age"), 10);
    EXPECT_EQ(doc.at("messages").at("newest").at("href"), "/v2/queues/q/messages/b");
    EXPECT_EQ(doc.at("messages").at("oldest").at("created"), "2023-11-14T22:13:20Z");
}

TEST(render, post_result_lists_hrefs_in_order) {
    const auto doc = boost::json::parse(
        render_post_result({core::message_id{"x"}, core::message_id{"y"}}, "/v2/queues/q"));
    EXPECT_EQ(doc.at("resources").at(1), "/v2/queues/q/messages/y");
}

}  // namespace
}  // namespace marconi::api
