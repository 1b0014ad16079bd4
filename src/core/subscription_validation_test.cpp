// Marconi. Subscription request checks: Zaqar's order and wording.
#include "core/subscription_validation.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>

#include "storage/contract/error.hpp"

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
    const auto bare =
        validate_subscription_post(json::parse(R"({"subscriber":"mailto:a@b.c"})"), limits{}, now);
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

TEST(subscription_validation, post_refuses_a_null_subscriber) {
    EXPECT_EQ(post_problem(R"({"subscriber":null})"), scheme_message);
    EXPECT_EQ(post_problem(R"({"subscriber":null,"ttl":600})"), scheme_message);
    // On PATCH null means "not given", like a null ttl or options.
    EXPECT_EQ(patch_problem(R"({"subscriber":null,"ttl":600})"), "");
}

TEST(subscription_validation, subscriber_must_be_deliverable) {
    const auto problem_of = [](std::string_view subscriber) {
        return post_problem(R"({"subscriber":)" + json::serialize(json::string(subscriber)) + "}");
    };
    const std::string invalid = "The subscriber of subscription must be a valid URI.";
    const std::string no_host = "The subscriber of subscription must name a host.";
    EXPECT_EQ(problem_of("http://[::1"), invalid);
    EXPECT_EQ(problem_of("http://a b.example/"), invalid);
    EXPECT_EQ(problem_of("http://a.example/x y"), invalid);
    EXPECT_EQ(problem_of(std::string("http://a.example/") + '\0' + "x"), invalid);
    EXPECT_EQ(problem_of("mailto:a@b.c?subject=two words"), invalid);
    EXPECT_EQ(problem_of("http://"), no_host);
    EXPECT_EQ(problem_of("https:///path"), no_host);
    EXPECT_EQ(problem_of("trust+http://"), no_host);
    EXPECT_EQ(problem_of("http:a.example"), no_host);
    EXPECT_EQ(problem_of("http://a.example:99999/"),
              "The subscriber of subscription must have a port between 1 and 65535.");
    EXPECT_EQ(problem_of("http://a.example:/"),
              "The subscriber of subscription must have a port between 1 and 65535.");
    EXPECT_EQ(problem_of("mailto:"), "The subscriber of subscription must name a mailbox.");
    for (const char* ok :
         {"http://[::1]:8080/hook", "https://a.example/p?q=1#f", "http://user@a.example",
          "HTTP://A.EXAMPLE", "http://127.0.0.1:1/", "mailto:a@b.c?subject=two%20words"}) {
        EXPECT_EQ(problem_of(ok), "") << ok;
    }
    EXPECT_EQ(patch_problem(R"({"subscriber":"http://"})"), no_host);
}

TEST(subscription_validation, post_headers_may_not_set_the_senders_headers) {
    const auto headers_problem = [](std::string_view headers) {
        return post_problem(std::string(R"({"subscriber":"http://a","options":{"post_headers":)") +
                            std::string(headers) + "}}");
    };
    EXPECT_EQ(headers_problem(R"({"Host":"evil.example"})"),
              "Options post_headers may not set the Host header: the notifier sets it.");
    EXPECT_EQ(headers_problem(R"({"hOsT":"evil.example"})"),
              "Options post_headers may not set the hOsT header: the notifier sets it.");
    EXPECT_EQ(headers_problem(R"({"Content-Length":"0"})"),
              "Options post_headers may not set the Content-Length header: the notifier sets it.");
    EXPECT_EQ(headers_problem(R"({"transfer-encoding":"chunked"})"),
              "Options post_headers may not set the transfer-encoding header: the notifier sets "
              "it.");
    EXPECT_EQ(headers_problem(R"({"Host\r":"x"})"),
              R"(Options post_headers has an invalid header name: "Host\r")");
    EXPECT_EQ(headers_problem(R"({"X A":"x"})"),
              R"(Options post_headers has an invalid header name: "X A")");
    EXPECT_EQ(headers_problem(R"({"":"x"})"),
              R"(Options post_headers has an invalid header name: "")");
    EXPECT_EQ(headers_problem(R"({"X-Token":"abc","Content-Type":"text/plain","X-Hosts":"1"})"),
              "");
    EXPECT_EQ(patch_problem(R"({"options":{"post_headers":{"HOST":"x"}}})"),
              "Options post_headers may not set the HOST header: the notifier sets it.");
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
