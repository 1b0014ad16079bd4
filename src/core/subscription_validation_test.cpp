// Marconi. Subscription request checks: Zaqar's order and wording.
#include "core/subscription_validation.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>

#include "core/error.hpp"

namespace marconi::core {
namespace {

namespace json = boost::json;

const time_point now{std::chrono::seconds{1'700'000'000}};

/// The description a check throws (always invalid_request), or "" when it accepts.
template <class Check>
std::string problem(Check check) {
    try {
        check();
    } catch (const error& e) {
        EXPECT_EQ(e.code(), errc::invalid_request);
        return std::string(e.description());
    }
    return {};
}

std::string post_problem(std::string_view body, const limits& l = {}) {
    return problem([&] { validate_subscription_post(json::parse(body), l, now); });
}

std::string patch_problem(std::string_view body, const limits& l = {}) {
    return problem([&] { validate_subscription_patch(json::parse(body), l, now); });
}

constexpr const char* scheme_message =
    "The subscriber type of subscription must be supported in the list ['http', 'https', "
    "'mailto', 'trust+http', 'trust+https'].";

TEST(subscription_validation, post_needs_a_subscriber) {
    EXPECT_EQ(post_problem("{}"), "Missing parameter subscriber in body.");
    EXPECT_EQ(post_problem(R"({"ttl":600})"), "Missing parameter subscriber in body.");
    EXPECT_EQ(post_problem("[]"), "No subscription to create.");
    EXPECT_EQ(post_problem("[1]"), "Subscriptions must be a dict.");
}

TEST(subscription_validation, accepted_post_fields_come_back_typed) {
    const auto fields = validate_subscription_post(
        json::parse(R"({"subscriber":"HTTPS://x.example/a","ttl":60,"options":{"k":[1]},"x":1})"),
        limits{}, now);
    EXPECT_EQ(fields.subscriber, "HTTPS://x.example/a");
    EXPECT_EQ(fields.ttl, 60);
    ASSERT_TRUE(fields.options);
    EXPECT_EQ(json::serialize(*fields.options), R"({"k":[1]})");
    const auto bare = validate_subscription_post(json::parse(R"({"subscriber":"mailto:a@b.c"})"),
                                                 limits{}, now);
    EXPECT_FALSE(bare.ttl);
    EXPECT_FALSE(bare.options);
}

TEST(subscription_validation, subscriber_scheme_must_be_configured) {
    for (const char* ok : {"http://a", "https://a", "mailto:a@b.c", "trust+http://a",
                           "trust+https://a", "Mailto:a@b.c"}) {
        EXPECT_EQ(post_problem(std::string{R"({"subscriber":")"} + ok + "\"}"), "") << ok;
    }
    for (const char* bad : {"ftp://a", "a.example.com", "", ":x", "1http://a", "ht tp://a"}) {
        EXPECT_EQ(post_problem(std::string{R"({"subscriber":")"} + bad + "\"}"), scheme_message)
            << bad;
    }
    EXPECT_EQ(post_problem(R"({"subscriber":42})"), scheme_message);
    limits only_mail;
    only_mail.subscriber_types = {"mailto"};
    EXPECT_EQ(post_problem(R"({"subscriber":"http://a"})", only_mail),
              "The subscriber type of subscription must be supported in the list ['mailto'].");
}

TEST(subscription_validation, options_retry_policy_and_dead_letter_queue) {
    // Zaqar checks _retry_policy in options before the ttl.
    EXPECT_EQ(post_problem(R"({"subscriber":"http://a","ttl":1,
                               "options":{"_retry_policy":{"minimum_delay":"1"}}})"),
              "Retry policy: minimum_delay must be a integer.");
    EXPECT_EQ(patch_problem(R"({"options":{"_retry_policy":{"maximum_delay":3}}})"),
              "minimum_delay must less than maximum_delay.");
    EXPECT_EQ(post_problem(R"({"subscriber":"http://a","options":{"_retry_policy":
                               {"retries_with_no_delay":0,"maximum_delay":15}}})"),
              "");
    EXPECT_EQ(post_problem(R"({"subscriber":"http://a","options":{"_dead_letter_queue":"a b"}})"),
              "_dead_letter_queue must be a valid queue name.");
    EXPECT_EQ(post_problem(R"({"subscriber":"http://a","options":{"_dead_letter_queue":"dlq-1"}})"),
              "");
}

TEST(subscription_validation, options_must_be_an_object) {
    const std::string message = "Options must be a dict.";
    EXPECT_EQ(post_problem(R"({"subscriber":"http://a","options":[1]})"), message);
    EXPECT_EQ(post_problem(R"({"subscriber":"http://a","options":"x"})"), message);
    EXPECT_EQ(post_problem(R"({"subscriber":"http://a","options":null})"), "");
}

TEST(subscription_validation, ttl_is_an_integer_of_at_least_a_minute) {
    EXPECT_EQ(post_problem(R"({"subscriber":"http://a","ttl":"60"})"), "TTL must be an integer.");
    EXPECT_EQ(post_problem(R"({"subscriber":"http://a","ttl":60.5})"), "TTL must be an integer.");
    EXPECT_EQ(post_problem(R"({"subscriber":"http://a","ttl":true})"), "TTL must be an integer.");
    EXPECT_EQ(post_problem(R"({"subscriber":"http://a","ttl":59})"),
              "The TTL for a subscription must be at least 60 seconds long.");
    EXPECT_EQ(post_problem(R"({"subscriber":"http://a","ttl":-1})"),
              "The TTL for a subscription must be at least 60 seconds long.");
    const std::string too_far =
        "The TTL seconds for a subscription plus current time must be less than "
        "9999-12-31 23:59:59.999999.";
    EXPECT_EQ(post_problem(R"({"subscriber":"http://a","ttl":253402300799})"), too_far);
    EXPECT_EQ(post_problem(R"({"subscriber":"http://a","ttl":18446744073709551615})"), too_far);
    EXPECT_EQ(post_problem(R"({"subscriber":"http://a","ttl":31536000000})"), "");
}

TEST(subscription_validation, patch_needs_something_and_checks_the_same_rules) {
    EXPECT_EQ(patch_problem("{}"), "No subscription to create.");
    EXPECT_EQ(patch_problem("null"), "No subscription to create.");
    EXPECT_EQ(patch_problem(R"("x")"), "Subscriptions must be a dict.");
    EXPECT_EQ(patch_problem(R"({"ttl":30})"),
              "The TTL for a subscription must be at least 60 seconds long.");
    EXPECT_EQ(patch_problem(R"({"subscriber":"gopher://a"})"), scheme_message);
    EXPECT_EQ(patch_problem(R"({"options":{}})"), "");
}

TEST(subscription_validation, confirmation_is_a_boolean) {
    const std::string message = "The 'confirmed' should be boolean.";
    EXPECT_TRUE(validate_subscription_confirmation(json::parse(R"({"confirmed":true})")));
    EXPECT_FALSE(validate_subscription_confirmation(json::parse(R"({"confirmed":false})")));
    for (const char* bad : {"{}", R"({"confirmed":1})", R"({"confirmed":"true"})", "[]", "null"}) {
        EXPECT_EQ(problem([&] { validate_subscription_confirmation(json::parse(bad)); }), message)
            << bad;
    }
}

TEST(subscription_validation, list_limit_is_bounded) {
    limits l;
    EXPECT_EQ(problem([&] { validate_subscription_list_limit(1, l); }), "");
    EXPECT_EQ(problem([&] { validate_subscription_list_limit(20, l); }), "");
    EXPECT_EQ(problem([&] { validate_subscription_list_limit(21, l); }),
              "Limit must be at least 1 and may not be greater than 20.");
    EXPECT_EQ(problem([&] { validate_subscription_list_limit(0, l); }),
              "Limit must be at least 1 and may not be greater than 20.");
}

}  // namespace
}  // namespace marconi::core
