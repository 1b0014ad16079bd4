// Marconi. Jobs survive the outbox, and subscribers get Zaqar's payload, headers and mail.
#include "notify/payload.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "notify/job.hpp"

namespace marconi::notify {
namespace {

namespace json = boost::json;

job sample() {
    job j;
    j.project = core::project_id{"p1"};
    j.source = core::queue_name{"orders"};
    j.subscription = core::subscription_id{"sub-1"};
    j.subscriber = "http://127.0.0.1:9/hook";
    j.message = core::message_id{"m-42"};
    j.payload_json = R"({"event":"créé","n":[1,2]})";
    j.ttl = 300;
    return j;
}

TEST(job, round_trips_through_its_encoding) {
    auto j = sample();
    j.topic = true;
    j.delay = 5;
    j.attempts = 3;
    j.last_error = "HTTP 500";
    const auto back = decode(encode(j));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->kind, job_kind::notification);
    EXPECT_EQ(back->project.value(), "p1");
    EXPECT_TRUE(back->topic);
    EXPECT_EQ(back->source.value(), "orders");
    EXPECT_EQ(back->subscription.value(), "sub-1");
    EXPECT_EQ(back->subscriber, j.subscriber);
    EXPECT_EQ(back->message->value(), "m-42");
    EXPECT_EQ(json::parse(back->payload_json), json::parse(j.payload_json));
    EXPECT_EQ(back->ttl, 300);
    EXPECT_EQ(back->delay, 5);
    EXPECT_EQ(back->attempts, 3);
    EXPECT_EQ(back->last_error, "HTTP 500");
    EXPECT_EQ(back->source_address().project.value(), "p1\x1ftopics");
    EXPECT_FALSE(decode("{}"));
    EXPECT_FALSE(decode("not json"));
}

TEST(job, source_of_a_topic_address_is_its_owner) {
    const auto topic = source_of(core::topic_address(core::project_id{"p"}, core::queue_name{"t"}));
    EXPECT_TRUE(topic.topic);
    EXPECT_EQ(topic.project.value(), "p");
    const auto queue = source_of(core::queue_address{core::project_id{"p"}, core::queue_name{"q"}});
    EXPECT_FALSE(queue.topic);
    EXPECT_EQ(queue.project.value(), "p");
}

TEST(payload, zaqar_notification_plus_message_id) {
    const auto doc = json::parse(notification_json(sample(), true));
    EXPECT_EQ(doc, json::parse(R"({"body":{"event":"créé","n":[1,2]},"ttl":300,
        "queue_name":"orders","Message_Type":"Notification","message_id":"m-42"})"));
    auto delayed = sample();
    delayed.delay = 0;
    EXPECT_EQ(json::parse(notification_json(delayed, true)).at("delay"), 0);
}

TEST(payload, post_data_template_replaces_the_quoted_placeholder) {
    const auto options =
        json::parse(
            R"({"post_data":"{\"wrapped\":\"$zaqar_message$\",\"again\":\"$zaqar_message$\",)"
            R"(\"bare\":\"x$zaqar_message$\"}"})")
            .as_object();
    const auto body = json::parse(webhook_body(sample(), options, true));
    const auto message = json::parse(notification_json(sample(), true));
    EXPECT_EQ(body.at("wrapped"), message);
    EXPECT_EQ(body.at("again"), message);
    EXPECT_EQ(body.at("bare"), "x$zaqar_message$");  // only the quoted form is replaced
    EXPECT_EQ(webhook_body(sample(), {}, true), notification_json(sample(), true));
}

TEST(payload, post_headers_extend_and_may_replace_content_type) {
    const auto options =
        json::parse(R"({"post_headers":{"X-Token":"abc","content-type":"text/plain","X-Bad":1,)"
                    R"("X-Evil":"a\r\nB: c"}})")
            .as_object();
    const auto headers = webhook_headers(options);
    const std::vector<std::pair<std::string, std::string>> expected{
        {"X-Token", "abc"}, {"content-type", "text/plain"}, {"X-Evil", "a  B: c"}};
    EXPECT_EQ(headers, expected);
    EXPECT_EQ(webhook_headers({}).front().second, "application/json");
}

TEST(payload, exactly_zaqars_keys_without_message_id) {
    const auto doc = json::parse(notification_json(sample(), false));
    EXPECT_FALSE(doc.as_object().contains("message_id"));
    EXPECT_EQ(doc.at("queue_name"), "orders");
}

TEST(payload, trust_token_goes_first_unless_post_headers_name_it) {
    auto headers = webhook_headers({});
    add_auth_token(headers, "tok\r\n");
    const std::vector<std::pair<std::string, std::string>> expected{
        {"X-Auth-Token", "tok  "}, {"Content-Type", "application/json"}};
    EXPECT_EQ(headers, expected);
    auto own =
        webhook_headers(json::parse(R"({"post_headers":{"x-auth-token":"mine"}})").as_object());
    add_auth_token(own, "tok");
    EXPECT_EQ(own.back(), (std::pair<std::string, std::string>{"x-auth-token", "mine"}));
    EXPECT_EQ(own.size(), 2u);
}

TEST(payload, mail_headers_from_uri_and_options) {
    const auto address = parse_mailto("mailto:ops%40example.org?Subject=Queue%20news&x=1");
    ASSERT_TRUE(address);
    EXPECT_EQ(address->to, "ops@example.org");
    EXPECT_EQ(address->subject, "Queue news");
    const auto options =
        json::parse(R"({"from":"zaqar@example.org","subject":"ignored"})").as_object();
    const auto text = mail_text(sample(), *address, options, true);
    EXPECT_NE(text.find("To: ops@example.org\n"), std::string::npos);
    EXPECT_NE(text.find("From: zaqar@example.org\n"), std::string::npos);
    EXPECT_NE(text.find("Subject: Queue news\n"), std::string::npos);
    EXPECT_NE(text.find("\n\n" + notification_json(sample(), true) + "\n"), std::string::npos);

    const auto plain = parse_mailto("mailto:a@b");
    ASSERT_TRUE(plain);
    EXPECT_NE(mail_text(sample(), *plain, options, true).find("Subject: ignored\n"),
              std::string::npos);
    EXPECT_FALSE(parse_mailto("http://a/b"));
    EXPECT_FALSE(parse_mailto("mailto:"));
}

}  // namespace
}  // namespace marconi::notify
