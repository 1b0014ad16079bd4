// Marconi bench: decoding server responses.
#include "responses.hpp"

#include <gtest/gtest.h>

namespace marconi::bench {
namespace {

TEST(responses, claim) {
    json_scratch scratch;
    std::vector<claimed_message> out;
    std::size_t n = 0;
    ASSERT_TRUE(parse_claim(
        R"({"messages":[{"id":"a1","href":"/v2/queues/q/messages/a1?claim_id=c","ttl":60,"age":0,"body":{"x":1}},
                                            {"id":"b2","href":"/v2/queues/q/messages/b2?claim_id=c","ttl":60,"age":0,"body":null}]})",
        scratch, out, n));
    ASSERT_EQ(n, 2u);
    EXPECT_EQ(out[0].id, "a1");
    EXPECT_EQ(out[1].href, "/v2/queues/q/messages/b2?claim_id=c");
    EXPECT_FALSE(parse_claim("{\"nope\":1}", scratch, out, n));
    EXPECT_FALSE(parse_claim("not json", scratch, out, n));
}

TEST(responses, listing) {
    json_scratch scratch;
    std::size_t n = 0;
    std::optional<std::string> next;
    ASSERT_TRUE(parse_listing(
        R"({"messages":[{"id":"a"},{"id":"b"}],"links":[{"rel":"next","href":"/v2/queues/q/messages?marker=5&echo=true"}]})",
        scratch, n, next));
    EXPECT_EQ(n, 2u);
    EXPECT_EQ(next, "/v2/queues/q/messages?marker=5&echo=true");
    ASSERT_TRUE(parse_listing(R"({"messages":[],"links":[]})", scratch, n, next));
    EXPECT_EQ(n, 0u);
    EXPECT_FALSE(next);
}

TEST(responses, stats_and_posted) {
    EXPECT_EQ(parse_stats_total(R"({"messages":{"claimed":1,"free":2,"total":3}})"), 3);
    EXPECT_FALSE(parse_stats_total("{}"));
    EXPECT_EQ(
        count_posted(R"({"resources":["/v2/queues/q/messages/a","/v2/queues/q/messages/b"]})"), 2u);
}

}  // namespace
}  // namespace marconi::bench
