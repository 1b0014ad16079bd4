// Marconi. Zaqar's WebSocket actions: the schema check, and each action through the real v2
// routes (an in-memory SQLite store) with the reply shapes of Zaqar's endpoints.py.
#include "api/ws/actions.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "api/http/router.hpp"
#include "storage/factory/make_driver.hpp"

namespace marconi::api::ws {
namespace {

namespace json = boost::json;

constexpr auto client_id = "3381af92-2b9e-11e3-b191-71861300734c";

json::object payload(std::string_view action, json::object body) {
    return json::object{{"action", action},
                        {"headers", json::object{{"Client-ID", client_id}, {"X-Project-ID", "p"}}},
                        {"body", std::move(body)}};
}

std::string error_of(const std::optional<reply>& r) {
    return r ? std::string(r->body.at("error").as_string()) : std::string("(valid)");
}

TEST(ws_schema, refuses_unknown_actions_as_zaqar_words_it) {
    auto p = payload("queue_rename", {});
    EXPECT_EQ(error_of(check_frame(p)), "queue_rename is not a valid action");
    p.erase("action");
    EXPECT_EQ(error_of(check_frame(p)), "None is not a valid action");
    p["action"] = 5;
    EXPECT_EQ(error_of(check_frame(p)), "5 is not a valid action");
    EXPECT_EQ(check_frame(p)->status, 400u);
}

TEST(ws_schema, requires_the_headers_and_the_body_fields_of_each_action) {
    EXPECT_EQ(error_of(check_frame(payload("queue_create", {{"queue_name", "q"}}))), "(valid)");
    EXPECT_EQ(error_of(check_frame(payload("queue_create", {}))), "Schema validation failed.");
    EXPECT_EQ(error_of(check_frame(payload("queue_create", {{"queue_name", 5}}))),
              "Schema validation failed.");
    auto no_client = payload("queue_list", {});
    no_client["headers"].as_object().erase("Client-ID");
    EXPECT_EQ(error_of(check_frame(no_client)), "Schema validation failed.");
    auto no_body = payload("message_post", {});
    no_body.erase("body");
    EXPECT_EQ(error_of(check_frame(no_body)), "Schema validation failed.");
    no_body["action"] = "queue_list";
    EXPECT_EQ(error_of(check_frame(no_body)), "(valid)");  // queue_list needs no body
    // Draft 4 types: a boolean is not an integer, an integer is not a boolean.
    EXPECT_EQ(error_of(check_frame(payload("claim_create", {{"queue_name", "q"}, {"ttl", true}}))),
              "Schema validation failed.");
    EXPECT_EQ(error_of(check_frame(payload("queue_list", {{"detailed", 1}}))),
              "Schema validation failed.");
    // authenticate wants X-Auth-Token instead of Client-ID.
    json::object auth{{"action", "authenticate"},
                      {"headers", json::object{{"X-Project-ID", "p"}, {"X-Auth-Token", "t"}}}};
    EXPECT_EQ(error_of(check_frame(auth)), "(valid)");
    auth["headers"].as_object().erase("X-Auth-Token");
    EXPECT_EQ(error_of(check_frame(auth)), "Schema validation failed.");
}

TEST(ws_mapping, builds_the_http_request_of_each_action) {
    auto f = frame_of(payload("message_delete_many",
                              {{"queue_name", "q"}, {"message_ids", json::array{"a", "b"}}}));
    auto m = to_request(f);
    ASSERT_TRUE(m.request);
    EXPECT_EQ(m.request->method, method::delete_);
    EXPECT_EQ(m.request->path, "/v2/queues/q/messages");
    EXPECT_EQ(m.request->query.get("ids"), "a,b");
    EXPECT_EQ(m.request->header("X-Project-ID"), "p");

    f = frame_of(payload("message_list", {{"queue_name", "q"}, {"echo", true}, {"limit", 3},
                                          {"marker", "a b&c"}}));
    m = to_request(f);
    EXPECT_EQ(m.request->query.get("echo"), "true");
    EXPECT_EQ(m.request->query.get("limit"), "3");
    EXPECT_EQ(m.request->query.get("marker"), "a b&c");

    f = frame_of(payload("subscription_create", {{"queue_name", "q"}, {"ttl", 60}}));
    m = to_request(f, "http://127.0.0.1:1/sock");
    EXPECT_EQ(m.request->path, "/v2/queues/q/subscriptions");
    EXPECT_EQ(json::parse(m.request->body),
              json::parse(R"({"subscriber":"http://127.0.0.1:1/sock","ttl":60})"));
}

TEST(ws_mapping, passes_header_lists_as_comma_separated_text) {
    auto p = payload("message_list", {{"queue_name", "q"}});
    p["headers"].as_object()["URL-Methods"] = json::array{"GET", "POST"};
    p["headers"].as_object()["URL-Paths"] = json::array{"/v2/queues/q/messages"};
    const auto m = to_request(frame_of(p));
    EXPECT_EQ(m.request->header("URL-Methods"), "GET,POST");
    EXPECT_EQ(m.request->header("URL-Paths"), "/v2/queues/q/messages");
}

TEST(ws_mapping, reshapes_subscription_answers_as_zaqar) {
    const auto f = frame_of(payload("subscription_create", {{"queue_name", "q"}}));
    auto created = response::json(201, R"({"subscription_id":"abc"})");
    EXPECT_EQ(to_reply(f, created).body,
              json::parse(R"({"subscription_id":"abc","message":"Subscription q created."})"));
    const auto conflict = to_reply(f, response::json(409, R"({"title":"Conflict","description":"x"})"));
    EXPECT_EQ(conflict.status, 409u);
    EXPECT_EQ(conflict.body, json::value("Subscription q not created."));
    const auto listed = to_reply(frame_of(payload("subscription_list", {{"queue_name", "q"}})),
                                 response::json(200, R"({"subscriptions":[{"id":"a"}],"links":[]})"));
    EXPECT_EQ(listed.body, json::parse(R"({"subscriptions":[{"id":"a"}]})"));
    const auto removed = to_reply(
        frame_of(payload("subscription_delete", {{"queue_name", "q"}, {"subscription_id", "a"}})),
        response::empty(204));
    EXPECT_EQ(removed.body, json::value("Subscription a removed."));
}

TEST(ws_mapping, refuses_path_parameters_that_are_not_one_segment) {
    auto m = to_request(frame_of(payload("queue_get", {{"queue_name", "q/messages"}})));
    ASSERT_TRUE(m.refusal);
    EXPECT_EQ(m.refusal->status, 400u);
    m = to_request(frame_of(payload("claim_get", {{"queue_name", "q"}, {"claim_id", "../x"}})));
    ASSERT_TRUE(m.refusal);
    EXPECT_EQ(m.refusal->status, 404u);
    m = to_request(frame_of(payload("pool_get", {{"pool_name", "p"}})));
    ASSERT_TRUE(m.refusal);
    EXPECT_EQ(m.refusal->status, 501u);
}

class ws_actions : public testing::Test {
protected:
    ws_actions()
        : driver_(storage::make_driver(memory_options(), clock_)),
          services_(*driver_, limits_, clock_),
          router_(v2_routes(), services_, clock_, false) {}

    static storage::driver_options memory_options() {
        storage::driver_options options;
        options.uri = "sqlite://:memory:";
        options.sync = storage::sync_mode::off;
        return options;
    }

    /// The action through the real router, reshaped as Zaqar's endpoint answers.
    reply run(std::string_view action, json::object body) {
        const auto f = frame_of(payload(action, std::move(body)));
        EXPECT_FALSE(check_frame(payload(action, f.body))) << action;
        auto m = to_request(f, "http://127.0.0.1:9/sock");
        if (m.refusal) return *m.refusal;
        net::io_context io;
        auto future = net::co_spawn(io, router_.dispatch(std::move(*m.request)), net::use_future);
        io.run();
        return to_reply(f, future.get());
    }

    system_clock clock_;
    core::limits limits_;
    std::unique_ptr<storage::data_driver> driver_;
    core::services services_;
    router router_;
};

TEST_F(ws_actions, queues_answer_with_zaqar_bodies) {
    auto r = run("queue_create", {{"queue_name", "q"}, {"metadata", json::object{{"k", 1}}}});
    EXPECT_EQ(r.status, 201u);
    EXPECT_EQ(r.body, json::value("Queue q created."));
    r = run("queue_create", {{"queue_name", "q"}});
    EXPECT_EQ(r.status, 204u);
    EXPECT_EQ(r.body, json::value("Queue q created."));
    r = run("queue_list", {});
    EXPECT_EQ(r.status, 200u);
    ASSERT_EQ(r.body.at("queues").as_array().size(), 1u);
    EXPECT_FALSE(r.body.as_object().contains("links"));
    r = run("queue_get_stats", {{"queue_name", "q"}});
    EXPECT_EQ(r.body.at("messages").at("total"), json::value(0));
    r = run("queue_purge", {{"queue_name", "q"}, {"resource_types", json::array{"messages"}}});
    EXPECT_EQ(r.status, 204u);
    EXPECT_EQ(r.body, json::object{});
    r = run("queue_delete", {{"queue_name", "q"}});
    EXPECT_EQ(r.status, 204u);
    EXPECT_EQ(r.body, json::value("Queue q removed."));
    r = run("queue_create", {{"queue_name", "bad name!"}});
    EXPECT_EQ(r.status, 400u);
    EXPECT_TRUE(r.body.at("error").is_string());
}

TEST_F(ws_actions, messages_and_claims_answer_with_zaqar_bodies) {
    auto r = run("message_post",
                 {{"queue_name", "q"},
                  {"messages", json::parse(R"([{"ttl":300,"body":"a"},{"ttl":300,"body":"b"}])")}});
    ASSERT_EQ(r.status, 201u);
    const auto ids = r.body.at("message_ids").as_array();
    ASSERT_EQ(ids.size(), 2u);

    r = run("message_list", {{"queue_name", "q"}, {"echo", true}});
    ASSERT_EQ(r.status, 200u);
    const auto& first = r.body.at("messages").as_array().at(0).as_object();
    EXPECT_EQ(first.at("id"), ids[0]);
    EXPECT_EQ(first.at("body"), json::value("a"));
    EXPECT_TRUE(first.at("claim_id").is_null());
    EXPECT_FALSE(first.contains("href"));

    r = run("message_get", {{"queue_name", "q"}, {"message_id", ids[1]}});
    EXPECT_EQ(r.body.at("messages").at("body"), json::value("b"));
    r = run("message_get_many", {{"queue_name", "q"}, {"message_ids", ids}});
    EXPECT_EQ(r.body.at("messages").as_array().size(), 2u);

    r = run("claim_create", {{"queue_name", "q"}, {"limit", 1}, {"ttl", 60}, {"grace", 60}});
    ASSERT_EQ(r.status, 201u);
    const auto claim = r.body.at("claim_id");
    ASSERT_TRUE(claim.is_string());
    EXPECT_EQ(r.body.at("messages").at(0).at("claim_id"), claim);
    r = run("claim_get", {{"queue_name", "q"}, {"claim_id", claim}});
    EXPECT_EQ(r.status, 200u);
    EXPECT_FALSE(r.body.as_object().contains("href"));
    EXPECT_EQ(r.body.at("messages").at(0).at("claim_id"), claim);
    r = run("claim_update", {{"queue_name", "q"}, {"claim_id", claim}, {"ttl", 120}});
    EXPECT_EQ(r.status, 204u);
    EXPECT_EQ(r.body, json::value("Claim " + std::string(claim.as_string()) + " updated."));

    // The claimed message cannot go without its claim: 403 as over HTTP.
    r = run("message_delete", {{"queue_name", "q"}, {"message_id", ids[0]}});
    EXPECT_EQ(r.status, 403u);
    r = run("message_delete", {{"queue_name", "q"}, {"message_id", ids[0]}, {"claim_id", claim}});
    EXPECT_EQ(r.status, 204u);
    EXPECT_EQ(r.body, json::object{});
    r = run("claim_delete", {{"queue_name", "q"}, {"claim_id", claim}});
    EXPECT_EQ(r.status, 204u);
    EXPECT_EQ(r.body, json::value("Claim " + std::string(claim.as_string()) + " deleted."));

    r = run("message_delete_many", {{"queue_name", "q"}, {"pop", 1}});
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(r.body.at("messages").at(0).at("id"), ids[1]);
    r = run("claim_create", {{"queue_name", "q"}});
    EXPECT_EQ(r.status, 204u);
    EXPECT_EQ(r.body, json::parse(R"({"claim_id":null})"));
    r = run("message_get", {{"queue_name", "q"}, {"message_id", ids[1]}});
    EXPECT_EQ(r.status, 404u);
}

TEST(ws_envelope, echoes_the_request_as_zaqar) {
    const auto p = payload("queue_get", {{"queue_name", "q"}});
    const auto e = envelope(p, reply{200, json::object{}});
    EXPECT_EQ(e.at("request").at("api"), json::value("v2"));
    EXPECT_EQ(e.at("request").at("action"), json::value("queue_get"));
    EXPECT_EQ(e.at("request").at("body"), p.at("body"));
    EXPECT_EQ(e.at("headers").at("status"), json::value(200));
    const auto empty = envelope(json::object{}, error_reply(400, "x"));
    EXPECT_TRUE(empty.at("request").at("action").is_null());
    EXPECT_EQ(empty.at("request").at("headers"), json::object{});
    EXPECT_EQ(empty.at("body"), json::parse(R"({"error":"x"})"));
}

}  // namespace
}  // namespace marconi::api::ws
