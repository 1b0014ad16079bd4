// Marconi. Reserved queue metadata: Zaqar's checks, messages and defaults fill.
#include "core/queue_settings.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>

#include "storage/contract/error.hpp"

namespace marconi::core {
namespace {

namespace json = boost::json;

json::object obj(std::string_view text) { return json::parse(text).as_object(); }

/// The description validate_queue_metadata throws, or "" when the metadata is accepted.
std::string problem(std::string_view metadata, const limits& l = {}) {
    try {
        validate_queue_metadata(obj(metadata), l);
    } catch (const error& e) {
        EXPECT_EQ(e.code(), errc::invalid_request);
        return std::string(e.description());
    }
    return {};
}

TEST(validate_queue_metadata, accepts_plain_and_boundary_values) {
    EXPECT_EQ(problem("{}"), "");
    EXPECT_EQ(problem(R"({"color":"blue","_custom":[1]})"), "");
    EXPECT_EQ(problem(R"({"_default_message_ttl":60,"_max_messages_post_size":262144,
                          "_default_message_delay":900,"_dead_letter_queue_messages_ttl":1209600,
                          "_max_claim_count":1,"_dead_letter_queue":"dlq.1",
                          "_enable_encrypt_messages":true})"),
              "");
    EXPECT_EQ(problem(R"({"_default_message_ttl":null,"_dead_letter_queue":null})"), "");
}

TEST(validate_queue_metadata, default_message_ttl) {
    const std::string range =
        "_default_message_ttl can not exceed 1209600 seconds, and must be at least 60 seconds "
        "long.";
    EXPECT_EQ(problem(R"({"_default_message_ttl":59})"), range);
    EXPECT_EQ(problem(R"({"_default_message_ttl":1209601})"), range);
    EXPECT_EQ(problem(R"({"_default_message_ttl":0})"), range);
    EXPECT_EQ(problem(R"({"_default_message_ttl":"3600"})"),
              "_default_message_ttl must be integer.");
    EXPECT_EQ(problem(R"({"_default_message_ttl":100.5})"),
              "_default_message_ttl must be integer.");
}

TEST(validate_queue_metadata, bool_is_not_an_integer) {
    EXPECT_EQ(problem(R"({"_max_messages_post_size":true})"),
              "_max_messages_post_size must be integer.");
    EXPECT_EQ(problem(R"({"_default_message_delay":false})"),
              "_default_message_delay must be integer.");
    EXPECT_EQ(problem(R"({"_max_claim_count":true})"), "_max_claim_count must be integer.");
}

TEST(validate_queue_metadata, max_messages_post_size_keeps_zaqars_double_space) {
    const std::string range =
        "_max_messages_post_size can not exceed 262144,  and must be at least greater than 0.";
    EXPECT_EQ(problem(R"({"_max_messages_post_size":0})"), range);
    EXPECT_EQ(problem(R"({"_max_messages_post_size":262145})"), range);
    EXPECT_EQ(problem(R"({"_max_messages_post_size":1})"), "");
    // Larger than int64: Zaqar's reader refuses it; here it is simply out of range.
    EXPECT_EQ(problem(R"({"_max_messages_post_size":18446744073709551615})"), range);
}

TEST(validate_queue_metadata, default_message_delay) {
    const std::string range =
        "The TTL can not exceed 900 seconds, and must be at least 0 seconds long.";
    EXPECT_EQ(problem(R"({"_default_message_delay":-1})"), range);
    EXPECT_EQ(problem(R"({"_default_message_delay":901})"), range);
    EXPECT_EQ(problem(R"({"_default_message_delay":0})"), "");
}

TEST(validate_queue_metadata, dead_letter_keys) {
    EXPECT_EQ(problem(R"({"_dead_letter_queue_messages_ttl":59})"),
              "The TTL for a message may not exceed 1209600 seconds, and must be at least 60 "
              "seconds long.");
    EXPECT_EQ(problem(R"({"_dead_letter_queue_messages_ttl":"x"})"),
              "_dead_letter_queue_messages_ttl must be integer.");
    EXPECT_EQ(problem(R"({"_max_claim_count":0})"), "_max_claim_count must be greater than 0.");
    EXPECT_EQ(problem(R"({"_max_claim_count":"3"})"), "_max_claim_count must be integer.");
    for (const char* bad : {R"("a b")", R"("")", "7", R"(["dlq"])"}) {
        EXPECT_EQ(problem(std::string(R"({"_dead_letter_queue":)") + bad + "}"),
                  "_dead_letter_queue must be a valid queue name.")
            << bad;
    }
}

TEST(validate_queue_metadata, encrypt_flag_only_rejects_truthy_non_bools) {
    EXPECT_EQ(problem(R"({"_enable_encrypt_messages":"yes"})"),
              "_enable_encrypt_messages must be boolean.");
    EXPECT_EQ(problem(R"({"_enable_encrypt_messages":1})"),
              "_enable_encrypt_messages must be boolean.");
    EXPECT_EQ(problem(R"({"_enable_encrypt_messages":0})"), "");
    EXPECT_EQ(problem(R"({"_enable_encrypt_messages":false})"), "");
}

TEST(validate_queue_metadata, retry_policy) {
    EXPECT_EQ(problem(R"({"_retry_policy":{}})"), "");
    EXPECT_EQ(problem(R"({"_retry_policy":"x"})"), "retry_policy must be a dict.");
    EXPECT_EQ(problem(R"({"_retry_policy":{"minimum_delay":"5"}})"),
              "Retry policy: minimum_delay must be a integer.");
    EXPECT_EQ(problem(R"({"_retry_policy":{"retry_backoff_function":3}})"),
              "retry_backoff_function must be a string.");
    EXPECT_EQ(problem(R"({"_retry_policy":{"retry_backoff_function":"cubic"}})"),
              "invalid retry_backoff_function.");
    EXPECT_EQ(problem(R"({"_retry_policy":{"retry_backoff_function":"geometric"}})"), "");
    EXPECT_EQ(problem(R"({"_retry_policy":{"ignore_subscription_override":1}})"),
              "ignore_subscription_override must be a boolean.");
    EXPECT_EQ(problem(R"({"_retry_policy":{"minimum_delay":40}})"),
              "minimum_delay must less than maximum_delay.");
    EXPECT_EQ(problem(R"({"_retry_policy":{"minimum_delay":21}})"),
              "invalid minimum_delay and maximum_delay.");
    EXPECT_EQ(problem(R"({"_retry_policy":{"minimum_delay":20}})"), "");
}

TEST(validate_queue_metadata, checks_in_zaqars_order) {
    EXPECT_EQ(problem(R"({"_default_message_delay":-1,"_default_message_ttl":1})"),
              "_default_message_ttl can not exceed 1209600 seconds, and must be at least 60 "
              "seconds long.");
}

TEST(validate_queue_metadata, ranges_follow_limits) {
    limits l;
    l.max_message_ttl = 120;
    EXPECT_EQ(problem(R"({"_default_message_ttl":121})", l),
              "_default_message_ttl can not exceed 120 seconds, and must be at least 60 seconds "
              "long.");
}

TEST(settings_from_metadata, defaults_for_missing_or_falsy_keys) {
    const limits l;
    for (const char* metadata : {"{}", R"({"_max_messages_post_size":0,"_default_message_ttl":0,
                    "_default_message_delay":0,"_max_claim_count":0,"_dead_letter_queue":""})"}) {
        const auto s = settings_from_metadata(obj(metadata), l);
        EXPECT_EQ(s.max_messages_post_size, 262144);
        EXPECT_EQ(s.default_message_ttl, 3600);
        EXPECT_EQ(s.default_message_delay, 0);
        EXPECT_FALSE(s.dead_letter.has_value());
    }
}

TEST(settings_from_metadata, config_delay_default_does_not_make_a_delayed_queue) {
    limits l;
    l.default_message_delay = 30;
    EXPECT_EQ(settings_from_metadata({}, l).default_message_delay, 0);
}

TEST(settings_from_metadata, queue_values) {
    limits l;
    l.max_messages_post_size = 1000;
    const auto s =
        settings_from_metadata(obj(R"({"_max_messages_post_size":5000,"_default_message_ttl":120,
                "_default_message_delay":5,"_max_claim_count":3,"_dead_letter_queue":"dlq",
                "_dead_letter_queue_messages_ttl":600})"),
                               l);
    EXPECT_EQ(s.max_messages_post_size, 1000);  // min(queue, config)
    EXPECT_EQ(s.default_message_ttl, 120);
    EXPECT_EQ(s.default_message_delay, 5);
    ASSERT_TRUE(s.dead_letter.has_value());
    EXPECT_EQ(s.dead_letter->max_claim_count, 3);
    EXPECT_EQ(s.dead_letter->queue.value(), "dlq");
    EXPECT_EQ(s.dead_letter->message_ttl, 600);
}

TEST(settings_from_metadata, dead_letter_needs_both_keys) {
    EXPECT_FALSE(settings_from_metadata(obj(R"({"_max_claim_count":3})"), {}).dead_letter);
    EXPECT_FALSE(settings_from_metadata(obj(R"({"_dead_letter_queue":"d"})"), {}).dead_letter);
    const auto s =
        settings_from_metadata(obj(R"({"_max_claim_count":3,"_dead_letter_queue":"d"})"), {});
    ASSERT_TRUE(s.dead_letter);
    EXPECT_EQ(s.dead_letter->message_ttl, std::nullopt);
}

TEST(metadata_with_defaults, fills_missing_and_falsy_in_zaqars_order) {
    const auto shown = metadata_with_defaults(
        obj(R"({"_default_message_ttl":0,"color":"red","_max_claim_count":2})"), limits{});
    EXPECT_EQ(json::serialize(shown),
              R"({"_default_message_ttl":3600,"color":"red","_max_claim_count":2,)"
              R"("_max_messages_post_size":262144,"_default_message_delay":0,)"
              R"("_dead_letter_queue":null,"_dead_letter_queue_messages_ttl":null,)"
              R"("_enable_encrypt_messages":false})");
}

TEST(metadata_with_defaults, a_topic_shows_three_defaults) {
    const auto shown = metadata_with_defaults(obj(R"({"color":"red","_max_claim_count":2})"),
                                              limits{}, metadata_owner::topic);
    EXPECT_EQ(json::serialize(shown),
              R"({"color":"red","_max_claim_count":2,"_max_messages_post_size":262144,)"
              R"("_default_message_ttl":3600,"_default_message_delay":0})");
}

TEST(metadata_with_defaults, uses_configured_defaults) {
    limits l;
    l.default_message_delay = 7;
    l.max_messages_post_size = 99;
    const auto shown = metadata_with_defaults({}, l);
    EXPECT_EQ(shown.at("_default_message_delay"), 7);
    EXPECT_EQ(shown.at("_max_messages_post_size"), 99);
}

}  // namespace
}  // namespace marconi::core
