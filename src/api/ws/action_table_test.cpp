// Marconi. Zaqar's WebSocket actions: the table (one row per RequestSchema action, each on a
// v2 route), the schema check, and each action through the dispatcher and the real services
// (an in-memory SQLite store) with the reply shapes of Zaqar's endpoints.py.
#include "api/ws/action_table.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <set>

#include "api/http/cors.hpp"
#include "api/ws/action_args.hpp"
#include "api/ws/dispatcher.hpp"
#include "auth/noauth.hpp"
#include "net/signed_url.hpp"
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

TEST(ws_table, has_one_row_for_every_action_of_zaqars_request_schema) {
    // zaqar/api/v2/request.py (with v1 and v1_1's), Zaqar 15.
    const std::set<std::string_view> zaqar{
        "get_home_doc",        "check_node_health", "ping_node",         "authenticate",
        "queue_list",          "queue_create",      "queue_delete",      "queue_get",
        "queue_get_stats",     "queue_purge",       "message_list",      "message_get",
        "message_get_many",    "message_post",      "message_delete",    "message_delete_many",
        "claim_create",        "claim_get",         "claim_update",      "claim_delete",
        "pool_list",           "pool_create",       "pool_update",       "pool_get",
        "pool_delete",         "flavor_list",       "flavor_create",     "flavor_update",
        "flavor_get",          "flavor_delete",     "subscription_list", "subscription_create",
        "subscription_delete", "subscription_get"};
    std::set<std::string_view> rows;
    for (const auto& row : action_table()) {
        EXPECT_TRUE(rows.insert(row.name).second) << row.name << " has two rows";
        EXPECT_EQ(find_action(row.name), &row);
        // A row runs a step exactly when it stands for an HTTP route, but authenticate.
        if (row.kind != access::socket) {
            EXPECT_EQ(row.run == nullptr, row.route.empty()) << row.name;
        }
        // Only message actions take a pre-signed frame.
        EXPECT_EQ(row.kind == access::pre_signed, row.name.starts_with("message_")) << row.name;
    }
    EXPECT_EQ(rows, zaqar);
    EXPECT_EQ(find_action("queue_rename"), nullptr);
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

TEST(ws_args, read_body_fields_as_the_http_parameters_they_stand_for) {
    const auto body = json::parse(R"({"ids":["a","b,c",""],"echo":true,"limit":3,
        "marker":"a b&c","words":"yes","text_limit":"4","bad":"x"})")
                          .as_object();
    EXPECT_EQ(list_arg(body, "ids"), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(bool_arg(body, "echo"), true);
    EXPECT_EQ(bool_arg(body, "words"), true);
    EXPECT_EQ(int_arg(body, "limit"), 3);
    EXPECT_EQ(int_arg(body, "text_limit"), 4);
    EXPECT_EQ(string_arg(body, "marker"), "a b&c");
    EXPECT_FALSE(int_arg(body, "absent"));
    EXPECT_THROW(int_arg(body, "bad"), core::error);
    EXPECT_THROW(bool_arg(body, "bad"), core::error);
}

TEST(ws_table, fills_routes_and_refuses_fields_that_are_not_one_segment) {
    const auto* row = find_action("message_delete");
    auto f = frame_of(payload("message_delete", {{"queue_name", "q"}, {"message_id", "m"}}));
    EXPECT_EQ(route_of(*row, f), "/v2/queues/q/messages/m");
    EXPECT_FALSE(bad_segment(*row, f));
    f = frame_of(payload("queue_get", {{"queue_name", "q/messages"}}));
    auto bad = bad_segment(*find_action("queue_get"), f);
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400u);
    f = frame_of(payload("claim_get", {{"queue_name", "q"}, {"claim_id", "../x"}}));
    bad = bad_segment(*find_action("claim_get"), f);
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 404u);
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

/// Tokens "member-key" (project "p") and "down" (an unreachable backend).
class fake_authenticator final : public auth::authenticator {
public:
    net::awaitable<boost::system::result<auth::identity>> authenticate(
        auth::request_credentials creds) const override {
        if (!creds.token) co_return make_error_code(auth::errc::missing_token);
        if (*creds.token == "down") co_return make_error_code(auth::errc::unavailable);
        if (*creds.token == "member-key") co_return auth::identity{"m", "p", {"member"}};
        co_return make_error_code(auth::errc::invalid_token);
    }
    std::string_view challenge() const override { return {}; }
    std::string_view name() const override { return "fake"; }
};

class ws_actions : public testing::Test {
protected:
    ws_actions()
        : driver_(storage::make_driver(memory_options(), clock_)),
          services_(*driver_, limits_, clock_),
          actions_(v2_routes(), services_, clock_, false) {}

    static storage::driver_options memory_options() {
        storage::driver_options options;
        options.uri = "sqlite://:memory:";
        options.sync = storage::sync_mode::off;
        return options;
    }

    template <class T>
    static T wait(net::awaitable<T> task) {
        net::io_context io;
        auto future = net::co_spawn(io, std::move(task), net::use_future);
        io.run();
        return future.get();
    }

    /// The action through `d`, as a socket with standing `auth` runs it.
    reply run_on(const dispatcher& d, const socket_auth& auth, const json::object& p) {
        EXPECT_FALSE(check_frame(p)) << p;
        const auto f = frame_of(p);
        return wait(d.run(f, auth, "http://127.0.0.1:9/sock"));
    }

    reply run(std::string_view action, json::object body) {
        return run_on(actions_, actions_.new_socket(), payload(action, std::move(body)));
    }

    system_clock clock_;
    core::limits limits_;
    std::unique_ptr<storage::data_driver> driver_;
    core::services services_;
    dispatcher actions_;
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
    r = run("queue_list", {{"detailed", true}});
    EXPECT_EQ(r.body.at("queues").at(0).at("metadata").at("k"), json::value(1));
    EXPECT_EQ(run("queue_get", {{"queue_name", "q"}}).body.at("k"), json::value(1));
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
    EXPECT_EQ(r.body.at("exception"), json::value("Invalid queue identification"));
    // Deleted, it reads as the defaults: Zaqar's queues are lazy ([transport] lazy_queue_get).
    r = run("queue_get", {{"queue_name", "q"}});
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.body.at("_default_message_ttl"), json::value(3600));
    EXPECT_FALSE(r.body.as_object().contains("k"));
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
    r = run("message_get_many", {{"queue_name", "q"}, {"message_ids", json::array{"x"}}});
    EXPECT_EQ(r.status, 404u);
    // Query-parameter rules for the fields: "a,b" is two ids.
    r = run("message_delete_many",
            {{"queue_name", "q"}, {"message_ids", json::array{"a,b"}}, {"pop", 1}});
    EXPECT_EQ(r.status, 400u);
}

TEST_F(ws_actions, subscriptions_answer_with_zaqar_bodies) {
    auto r = run("subscription_create", {{"queue_name", "q"}, {"ttl", 600}});
    ASSERT_EQ(r.status, 201u);
    EXPECT_EQ(r.body.at("message"), json::value("Subscription q created."));
    const auto id = r.body.at("subscription_id");
    // Without a subscriber, the socket subscribes itself.
    r = run("subscription_get", {{"queue_name", "q"}, {"subscription_id", id}});
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.body.at("subscriber"), json::value("http://127.0.0.1:9/sock"));
    EXPECT_EQ(r.body.at("ttl"), json::value(600));
    r = run("subscription_create", {{"queue_name", "q"}});
    EXPECT_EQ(r.status, 409u);
    EXPECT_EQ(r.body, json::value("Subscription q not created."));
    r = run("subscription_list", {{"queue_name", "q"}});
    ASSERT_EQ(r.body.at("subscriptions").as_array().size(), 1u);
    EXPECT_FALSE(r.body.as_object().contains("links"));
    r = run("subscription_delete", {{"queue_name", "q"}, {"subscription_id", id}});
    EXPECT_EQ(r.status, 204u);
    EXPECT_EQ(r.body, json::value("Subscription " + std::string(id.as_string()) + " removed."));
}

TEST_F(ws_actions, every_route_is_a_v2_route_and_unknown_actions_stay_refused) {
    // The dispatcher takes each row's policy rule from its v2 route: without them it refuses
    // to start rather than serve an action unchecked.
    EXPECT_THROW(dispatcher({}, services_, clock_, false), std::invalid_argument);
    frame unknown;
    unknown.action = "queue_rename";
    const auto r = wait(actions_.run(unknown, actions_.new_socket(), {}));
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.body, json::parse(R"({"error":"queue_rename is not a valid action"})"));
}

TEST_F(ws_actions, node_actions_and_admin_only_actions) {
    auto r = run("get_home_doc", {});
    EXPECT_EQ(r.status, 200u);
    EXPECT_TRUE(r.body.at("resources").as_object().contains("rel/queues"));
    EXPECT_FALSE(r.body.at("resources").as_object().contains("rel/health"));
    // /v2/health is served in admin mode only.
    r = run("check_node_health", {});
    EXPECT_EQ(r.status, 404u);
    // So are the pool and flavor actions, with pooling on too (the e2e tests run them).
    r = run("pool_get", {{"pool_name", "p"}});
    EXPECT_EQ(r.status, 404u);
    r = run("flavor_list", {{"flavor_name", "f"}});
    EXPECT_EQ(r.status, 404u);
    r = run("queue_get", {{"queue_name", "q/messages"}});
    EXPECT_EQ(r.status, 400u);
    r = run("claim_get", {{"queue_name", "q"}, {"claim_id", "../x"}});
    EXPECT_EQ(r.status, 404u);
}

TEST_F(ws_actions, policy_rules_of_the_routes_apply) {
    const auto denying = auth::policy::from_json(R"({"queues:get_all": "role:admin"})", "test");
    const cors_policy cors{cors_options{}};
    const auth::noauth_authenticator noauth;
    const dispatcher strict(v2_routes(), services_, clock_, false,
                            access_control{noauth, denying, cors});
    auto r = run_on(strict, strict.new_socket(), payload("queue_list", {}));
    EXPECT_EQ(r.status, 403u);
    EXPECT_EQ(r.body.at("exception"), json::value("Not authorized"));
    auto admin = payload("queue_list", {});
    admin["headers"].as_object()["X-Roles"] = "admin";
    EXPECT_EQ(run_on(strict, strict.new_socket(), admin).status, 200u);
}

TEST_F(ws_actions, a_checking_strategy_needs_authenticate_or_a_signature) {
    const fake_authenticator fake;
    const auth::policy defaults;
    const cors_policy cors{cors_options{}};
    const dispatcher d(v2_routes(), services_, clock_, false,
                       access_control{fake, defaults, cors, "url-key"});
    auto socket = d.new_socket();
    EXPECT_EQ(socket.standing, socket_standing::unauthenticated);
    auto r = run_on(d, socket, payload("queue_create", {{"queue_name", "q"}}));
    EXPECT_EQ(r.status, 403u);
    EXPECT_EQ(r.body, json::parse(R"({"error":"Not authentified."})"));

    auto login = [&](std::string token, std::string project) {
        const auto f = frame_of(json::object{
            {"action", "authenticate"},
            {"headers", json::object{{"X-Auth-Token", token}, {"X-Project-ID", project}}}});
        return wait(d.authenticate(f, socket));
    };
    EXPECT_EQ(login("nope", "p").status, 401u);
    EXPECT_EQ(login("down", "p").status, 503u);
    EXPECT_EQ(login("member-key", "other").status, 403u);
    EXPECT_EQ(socket.standing, socket_standing::unauthenticated);
    EXPECT_EQ(login("member-key", "p").status, 200u);
    EXPECT_EQ(socket.standing, socket_standing::authenticated);
    EXPECT_EQ(run_on(d, socket, payload("queue_create", {{"queue_name", "q"}})).status, 201u);
    auto elsewhere = payload("queue_list", {});
    elsewhere["headers"].as_object()["X-Project-ID"] = "other";
    EXPECT_EQ(run_on(d, socket, elsewhere).body, json::parse(R"({"error":"Not authenticated."})"));

    // A pre-signed frame: URL-Methods and URL-Paths come as lists.
    const signing::url_grant grant{{"/v2/queues/q/messages"}, {"GET"}, "p", "2999-01-01T00:00:00"};
    auto signed_frame = payload("message_list", {{"queue_name", "q"}});
    auto& h = signed_frame["headers"].as_object();
    h["URL-Signature"] = signing::sign("url-key", grant);
    h["URL-Expires"] = grant.expires;
    h["URL-Methods"] = json::array{"GET"};
    h["URL-Paths"] = json::array{"/v2/queues/q/messages"};
    const auto anonymous = d.new_socket();
    EXPECT_EQ(run_on(d, anonymous, signed_frame).status, 200u);
    signed_frame["action"] = "message_post";
    signed_frame["body"].as_object()["messages"] = json::array{json::object{{"body", 1}}};
    EXPECT_EQ(run_on(d, anonymous, signed_frame).body,
              json::parse(R"({"error":"Not authentified."})"));
    signed_frame["action"] = "queue_get";
    EXPECT_EQ(run_on(d, anonymous, signed_frame).status, 403u);
}

}  // namespace
}  // namespace marconi::api::ws
