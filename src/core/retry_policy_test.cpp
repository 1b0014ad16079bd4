// Marconi. Retry policies: Zaqar's validation messages, which policy wins, and the delays.
//
// Every expected schedule below was computed by Zaqar 15's own code, run with /usr/bin/python3:
// WebhookTask._retry_post (zaqar/notification/tasks/webhook.py) with _post_request_success
// always failing and time.sleep recorded, the delay before each retry being the sleep that
// preceded it (0 when none did).
#include "core/retry_policy.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>
#include <vector>

#include "storage/contract/error.hpp"

namespace marconi::core {
namespace {

namespace json = boost::json;

json::object obj(std::string_view text) { return json::parse(text).as_object(); }

/// The description validate_retry_policy throws, or "" when the holder is accepted.
std::string problem(std::string_view holder) {
    try {
        validate_retry_policy(obj(holder));
    } catch (const error& e) {
        EXPECT_EQ(e.code(), errc::invalid_request);
        return std::string(e.description());
    }
    return {};
}

/// Every retry delay of the policy chosen from `subscription_policy` and `queue_policy`.
std::vector<std::int64_t> schedule(std::string_view subscription_policy,
                                   std::string_view queue_policy) {
    json::object options;
    options["_retry_policy"] = json::parse(subscription_policy);
    json::object metadata;
    metadata["_retry_policy"] = json::parse(queue_policy);
    const auto policy = effective_retry_policy(metadata, options);
    std::vector<std::int64_t> delays;
    for (std::int64_t retry = 0; retry < 10000; ++retry) {
        const auto delay = retry_delay(policy, retry);
        if (!delay) break;
        delays.push_back(*delay);
    }
    return delays;
}

using delays = std::vector<std::int64_t>;

TEST(validate_retry_policy, accepts_missing_empty_and_valid_policies) {
    EXPECT_EQ(problem("{}"), "");
    EXPECT_EQ(problem(R"({"_retry_policy":null})"), "");
    EXPECT_EQ(problem(R"({"_retry_policy":{}})"), "");
    EXPECT_EQ(problem(R"({"_retry_policy":false})"), "");  // falsy: Zaqar skips it
    EXPECT_EQ(problem(R"({"_retry_policy":{"retries_with_no_delay":1,"minimum_delay_retries":2,
        "minimum_delay":1,"maximum_delay":11,"maximum_delay_retries":1,
        "retry_backoff_function":"exponential","ignore_subscription_override":true}})"),
              "");
}

TEST(validate_retry_policy, zaqar_wording) {
    EXPECT_EQ(problem(R"({"_retry_policy":"x"})"), "retry_policy must be a dict.");
    EXPECT_EQ(problem(R"({"_retry_policy":[1]})"), "retry_policy must be a dict.");
    EXPECT_EQ(problem(R"({"_retry_policy":{"minimum_delay":"5"}})"),
              "Retry policy: minimum_delay must be a integer.");
    EXPECT_EQ(problem(R"({"_retry_policy":{"maximum_delay_retries":1.5}})"),
              "Retry policy: maximum_delay_retries must be a integer.");
    EXPECT_EQ(problem(R"({"_retry_policy":{"retries_with_no_delay":true}})"),
              "Retry policy: retries_with_no_delay must be a integer.");
    EXPECT_EQ(problem(R"({"_retry_policy":{"retry_backoff_function":3}})"),
              "retry_backoff_function must be a string.");
    EXPECT_EQ(problem(R"({"_retry_policy":{"retry_backoff_function":"cubic"}})"),
              "invalid retry_backoff_function.");
    EXPECT_EQ(problem(R"({"_retry_policy":{"ignore_subscription_override":1}})"),
              "ignore_subscription_override must be a boolean.");
    EXPECT_EQ(problem(R"({"_retry_policy":{"minimum_delay":40}})"),
              "minimum_delay must less than maximum_delay.");
    EXPECT_EQ(problem(R"({"_retry_policy":{"minimum_delay":21}})"),
              "invalid minimum_delay and maximum_delay.");
    EXPECT_EQ(problem(R"({"_retry_policy":{"minimum_delay":20}})"), "");
    // Zaqar checks the keys in this order: the first fault named is retries_with_no_delay's.
    EXPECT_EQ(problem(R"({"_retry_policy":{"maximum_delay":"a","retries_with_no_delay":"b"}})"),
              "Retry policy: retries_with_no_delay must be a integer.");
}

TEST(retry_delay, zaqar_default_policy) {
    EXPECT_EQ(schedule("{}", "{}"), (delays{0, 0, 0, 5, 5, 5, 5, 10, 15, 20, 25, 30, 30, 30}));
}

TEST(retry_delay, every_phase_of_a_short_linear_policy) {
    EXPECT_EQ(schedule(R"({"retries_with_no_delay":1,"minimum_delay_retries":2,"minimum_delay":1,
                          "maximum_delay":11,"maximum_delay_retries":1})",
                       "{}"),
              (delays{0, 1, 1, 1, 6, 11}));
}

TEST(retry_delay, arithmetic_backoff) {
    EXPECT_EQ(schedule("{}", R"({"retries_with_no_delay":0,"minimum_delay_retries":0,
                                 "minimum_delay":2,"maximum_delay":60,"maximum_delay_retries":0,
                                 "retry_backoff_function":"arithmetic"})"),
              (delays{2, 3, 5, 8, 12, 17, 24, 31, 39, 49, 59}));
}

TEST(retry_delay, geometric_backoff) {
    EXPECT_EQ(
        schedule(R"({"retry_backoff_function":"geometric","minimum_delay":3,
                          "maximum_delay":100,"retries_with_no_delay":0,
                          "minimum_delay_retries":0,"maximum_delay_retries":2})",
                 "{}"),
        (delays{3, 3, 4, 5, 6, 7, 9, 11, 14, 17, 21, 25, 31, 37, 45, 55, 67, 82, 100, 100, 100}));
    // Zaqar's float arithmetic makes the last backoff step 10, not 11: matched, not fixed.
    EXPECT_EQ(schedule(R"({"retry_backoff_function":"geometric","minimum_delay":1,
                          "maximum_delay":11})",
                       "{}"),
              (delays{0, 0, 0, 1, 1, 1, 1, 10, 11, 11, 11}));
}

TEST(retry_delay, exponential_backoff) {
    const auto got = schedule(R"({"retry_backoff_function":"exponential","minimum_delay":7,
                                  "maximum_delay":1000,"retries_with_no_delay":0,
                                  "minimum_delay_retries":0,"maximum_delay_retries":0})",
                              "{}");
    ASSERT_EQ(got.size(), 198u);
    EXPECT_EQ((delays(got.begin(), got.begin() + 12)),
              (delays{7, 7, 7, 7, 7, 7, 8, 8, 8, 8, 9, 9}));
    EXPECT_EQ((delays(got.begin() + 100, got.begin() + 110)),
              (delays{86, 89, 91, 93, 96, 98, 101, 103, 106, 108}));
    EXPECT_EQ((delays(got.end() - 5, got.end())), (delays{904, 927, 950, 975, 999}));
}

TEST(effective_retry_policy, subscription_wins_unless_either_side_ignores_override) {
    // Neither ignores: the subscription's policy.
    EXPECT_EQ(schedule(R"({"retries_with_no_delay":2,"minimum_delay_retries":0,
                          "maximum_delay_retries":0,"minimum_delay":20,"maximum_delay":30})",
                       R"({"retries_with_no_delay":9})"),
              (delays{0, 0, 20, 25}));
    // The subscription sets ignore_subscription_override: the queue's policy.
    EXPECT_EQ(schedule(R"({"maximum_delay_retries":0,"ignore_subscription_override":true})",
                       R"({"retries_with_no_delay":1,"minimum_delay_retries":0,
                           "maximum_delay_retries":0,"minimum_delay":10,"maximum_delay":20})"),
              (delays{0, 10, 15}));
    // The queue sets it.
    EXPECT_EQ(schedule(R"({"retries_with_no_delay":5})",
                       R"({"ignore_subscription_override":true,"retries_with_no_delay":1,
                           "minimum_delay_retries":0,"maximum_delay_retries":1,
                           "minimum_delay":10,"maximum_delay":20})"),
              (delays{0, 10, 15, 20}));
    // An empty subscription policy counts as none.
    EXPECT_EQ(schedule("{}", R"({"retries_with_no_delay":1,"minimum_delay_retries":0,
                                 "maximum_delay_retries":0,"minimum_delay":10,
                                 "maximum_delay":20})"),
              (delays{0, 10, 15}));
}

TEST(retry_delay, where_zaqar_would_raise_the_phase_is_skipped) {
    // Geometric from 0: Zaqar divides by zero; the backoff phase is dropped.
    EXPECT_EQ(schedule(R"({"retry_backoff_function":"geometric","minimum_delay":0,
                          "maximum_delay":10,"retries_with_no_delay":0,
                          "minimum_delay_retries":1,"maximum_delay_retries":1})",
                       "{}"),
              (delays{0, 10}));
    // Negative sleeps (time.sleep raises) become 0; negative counts are empty phases.
    EXPECT_EQ(schedule(R"({"minimum_delay":-5,"maximum_delay":6,"retries_with_no_delay":-1,
                          "minimum_delay_retries":1,"maximum_delay_retries":0})",
                       "{}"),
              (delays{0, 0, 0, 5}));
    EXPECT_FALSE(retry_delay(retry_policy{}, -1));
}

}  // namespace
}  // namespace marconi::core
