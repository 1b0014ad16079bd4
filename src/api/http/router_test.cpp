// Marconi. The router's access control: authentication before routing, the project binding,
// policy rules per route, CORS preflights without credentials. The real v2 routes run over an
// in-memory SQLite store.
#include "api/http/router.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <optional>

#include "auth/noauth.hpp"
#include "net/signed_url.hpp"
#include "storage/factory/make_driver.hpp"

namespace marconi::api {
namespace {

constexpr auto client_id = "3381af92-2b9e-11e3-b191-71861300734c";

/// Tokens "member-key" and "admin-key" (project "p1"); "down" plays an unreachable backend.
class fake_authenticator final : public auth::authenticator {
public:
    net::awaitable<boost::system::result<auth::identity>> authenticate(
        auth::request_credentials creds) const override {
        if (!creds.token) co_return make_error_code(auth::errc::missing_token);
        if (*creds.token == "down") co_return make_error_code(auth::errc::unavailable);
        if (*creds.token == "member-key") co_return auth::identity{"m", "p1", {"member"}};
        if (*creds.token == "admin-key") co_return auth::identity{"a", "p1", {"admin"}};
        co_return make_error_code(auth::errc::invalid_token);
    }
    std::string_view challenge() const override { return "Test realm=\"t\""; }
    std::string_view name() const override { return "fake"; }
};

cors_options allow_origin(std::string origin) {
    cors_options o;
    o.allowed_origin = {std::move(origin)};
    o.allow_methods = {"GET", "DELETE"};
    o.allow_headers = {"X-Auth-Token", "Client-ID"};
    o.expose_headers = {"X-OpenStack-Request-ID"};
    return o;
}

class router_test : public testing::Test {
protected:
    router_test()
        : driver_(storage::make_driver(memory_options(), clock_)),
          services_(*driver_, limits_, clock_) {}

    static storage::driver_options memory_options() {
        storage::driver_options options;
        options.uri = "sqlite://:memory:";
        options.sync = storage::sync_mode::off;
        return options;
    }

    /// A router over the v2 routes (admin mode on) with this authenticator and policy.
    router make(const auth::authenticator& authn, const auth::policy& policy) {
        return router(v2_routes(), services_, clock_, true, access_control{authn, policy, cors_});
    }

    response send(const router& r, method m, std::string path,
                  std::vector<std::pair<std::string, std::string>> headers) {
        request req;
        req.method = m;
        req.path = std::move(path);
        req.headers = std::move(headers);
        net::io_context io;
        auto future = net::co_spawn(io, r.dispatch(std::move(req)), net::use_future);
        io.run();
        return future.get();
    }

    static std::optional<std::string> header(const response& r, std::string_view name) {
        for (const auto& [k, v] : r.headers) {
            if (k == name) return v;
        }
        return std::nullopt;
    }

    static std::string title(const response& r) {
        return std::string(boost::json::parse(r.body).at("title").as_string());
    }

    system_clock clock_;
    core::limits limits_;
    std::unique_ptr<storage::data_driver> driver_;
    core::services services_;
    cors_policy cors_{allow_origin("https://app.example")};
    fake_authenticator keys_;
    auth::noauth_authenticator noauth_;
    auth::policy defaults_;
};

TEST_F(router_test, versions_need_no_credentials) {
    const auto r = make(keys_, defaults_);
    EXPECT_EQ(send(r, method::get, "/", {}).status, 300u);
    const auto post = send(r, method::post, "/", {});  // open path, wrong method: no 401
    EXPECT_EQ(post.status, 405u);
    EXPECT_EQ(header(post, "Allow"), "GET");
}

TEST_F(router_test, missing_and_bogus_tokens_get_401_with_a_challenge) {
    const auto r = make(keys_, defaults_);
    for (auto headers : std::vector<std::vector<std::pair<std::string, std::string>>>{
             {{"Client-ID", client_id}, {"X-Project-ID", "p1"}},
             {{"Client-ID", client_id}, {"X-Auth-Token", "nope"}}}) {
        const auto reply = send(r, method::get, "/v2/queues", headers);
        EXPECT_EQ(reply.status, 401u);
        EXPECT_EQ(title(reply), "Unauthorized");
        EXPECT_EQ(header(reply, "WWW-Authenticate"), "Test realm=\"t\"");
    }
    // Authentication comes before routing and before the header checks.
    EXPECT_EQ(send(r, method::get, "/v2/nowhere", {}).status, 401u);
    EXPECT_EQ(send(r, method::get, "/v2/nowhere", {{"X-Auth-Token", "member-key"}}).status, 404u);
    EXPECT_EQ(send(r, method::get, "/v2/queues", {{"X-Auth-Token", "member-key"}}).status,
              400u);  // no Client-ID
}

TEST_F(router_test, a_key_fills_in_and_pins_the_project) {
    const auto r = make(keys_, defaults_);
    const std::pair<std::string, std::string> client{"Client-ID", client_id};
    const std::pair<std::string, std::string> token{"X-Auth-Token", "member-key"};
    EXPECT_EQ(send(r, method::put, "/v2/queues/q1", {client, token}).status, 201u);
    const auto listed = send(r, method::get, "/v2/queues", {client, token, {"X-Project-ID", "p1"}});
    ASSERT_EQ(listed.status, 200u);
    EXPECT_NE(listed.body.find("\"name\":\"q1\""), std::string::npos) << listed.body;

    const auto spoofed =
        send(r, method::get, "/v2/queues", {client, token, {"X-Project-ID", "p2"}});
    EXPECT_EQ(spoofed.status, 403u);
    EXPECT_EQ(title(spoofed), "Not authorized");
}

TEST_F(router_test, admin_rules_need_the_admin_role) {
    const auto r = make(keys_, defaults_);
    const std::pair<std::string, std::string> client{"Client-ID", client_id};
    const auto denied = send(r, method::head, "/v2/health",
                             {client, {"X-Auth-Token", "member-key"}, {"X-Roles", "admin"}});
    EXPECT_EQ(denied.status, 403u);  // X-Roles is not trusted with keys
    EXPECT_EQ(boost::json::parse(denied.body).at("description"),
              "You are not authorized to complete this action.");
    EXPECT_EQ(send(r, method::head, "/v2/health", {client, {"X-Auth-Token", "admin-key"}}).status,
              204u);
}

TEST_F(router_test, noauth_takes_roles_and_project_from_headers) {
    const auto r = make(noauth_, defaults_);
    const std::pair<std::string, std::string> client{"Client-ID", client_id};
    const std::pair<std::string, std::string> project{"X-Project-ID", "p9"};
    EXPECT_EQ(send(r, method::head, "/v2/health", {client, project}).status, 403u);
    EXPECT_EQ(
        send(r, method::head, "/v2/health", {client, project, {"X-Roles", "member, admin"}}).status,
        204u);
    EXPECT_EQ(send(r, method::get, "/v2/queues", {client}).status, 400u);  // no project
    EXPECT_EQ(send(r, method::get, "/v2/queues",
                   {client, project, {"X-Roles", "a"}, {"X-Roles", "admin"}})
                  .status,
              400u);  // an ambiguous role list
}

TEST_F(router_test, a_policy_file_rule_applies_to_its_route) {
    const auto policy = auth::policy::from_json(
        R"({"messages:delete": "role:admin", "queues:get_all": "!"})", "test");
    const auto r = make(keys_, policy);
    const std::pair<std::string, std::string> client{"Client-ID", client_id};
    const auto path = "/v2/queues/q1/messages/00000000000000000000";
    EXPECT_EQ(send(r, method::delete_, path, {client, {"X-Auth-Token", "member-key"}}).status,
              403u);
    EXPECT_EQ(send(r, method::delete_, path, {client, {"X-Auth-Token", "admin-key"}}).status, 204u);
    EXPECT_EQ(send(r, method::get, "/v2/queues", {client, {"X-Auth-Token", "admin-key"}}).status,
              403u);
}

TEST_F(router_test, an_unreachable_identity_backend_is_503) {
    const auto r = make(keys_, defaults_);
    const auto reply = send(r, method::get, "/v2/queues", {{"X-Auth-Token", "down"}});
    EXPECT_EQ(reply.status, 503u);
}

TEST_F(router_test, preflights_need_no_credentials_and_errors_carry_cors_headers) {
    const auto r = make(keys_, defaults_);
    const std::pair<std::string, std::string> origin{"Origin", "https://app.example"};
    const auto pre = send(r, method::options, "/v2/queues/q1",
                          {origin,
                           {"Access-Control-Request-Method", "DELETE"},
                           {"Access-Control-Request-Headers", "X-Auth-Token"}});
    EXPECT_EQ(pre.status, 200u);
    EXPECT_EQ(header(pre, "Allow"), "PUT, GET, PATCH, DELETE, OPTIONS");
    EXPECT_EQ(header(pre, "Access-Control-Allow-Origin"), "https://app.example");
    EXPECT_EQ(header(pre, "Access-Control-Allow-Methods"), "DELETE");

    const auto unknown = send(r, method::options, "/v2/nowhere", {origin});
    EXPECT_EQ(unknown.status, 200u);
    EXPECT_FALSE(header(unknown, "Allow"));

    const auto rejected = send(r, method::get, "/v2/queues", {origin});
    EXPECT_EQ(rejected.status, 401u);
    EXPECT_EQ(header(rejected, "Access-Control-Allow-Origin"), "https://app.example");
    EXPECT_EQ(header(rejected, "Access-Control-Expose-Headers"), "X-OpenStack-Request-ID");
    const auto stranger = send(r, method::get, "/v2/queues", {{"Origin", "https://evil.example"}});
    EXPECT_FALSE(header(stranger, "Access-Control-Allow-Origin"));
}

TEST_F(router_test, a_pre_signed_request_skips_authentication_but_not_the_rest) {
    const router r(v2_routes(), services_, clock_, true,
                   access_control{keys_, defaults_, cors_, "url-key"});
    const std::pair<std::string, std::string> client{"Client-ID", client_id};
    ASSERT_EQ(
        send(r, method::put, "/v2/queues/q1", {client, {"X-Auth-Token", "member-key"}}).status,
        201u);
    const signing::url_grant grant{
        {"/v2/queues/q1/messages"}, {"GET"}, "p1", "2999-01-01T00:00:00"};
    const auto signature = signing::sign("url-key", grant);
    std::vector<std::pair<std::string, std::string>> signed_headers{{"URL-Signature", signature},
                                                                    {"URL-Expires", grant.expires},
                                                                    {"URL-Methods", "GET"},
                                                                    {"URL-Paths", grant.paths[0]},
                                                                    {"X-Project-ID", "p1"}};

    auto with_client = signed_headers;
    with_client.push_back(client);
    EXPECT_EQ(send(r, method::get, "/v2/queues/q1/messages", with_client).status, 200u);
    // A bad token does not matter; a bad signature is a bare 404 even with a good token.
    auto with_bad_token = with_client;
    with_bad_token.emplace_back("X-Auth-Token", "nope");
    EXPECT_EQ(send(r, method::get, "/v2/queues/q1/messages", with_bad_token).status, 200u);
    auto tampered = with_client;
    tampered[0].second = signing::sign("other-key", grant);
    tampered.emplace_back("X-Auth-Token", "member-key");
    const auto refused = send(r, method::get, "/v2/queues/q1/messages", tampered);
    EXPECT_EQ(refused.status, 404u);
    EXPECT_EQ(refused.body, "");
    EXPECT_EQ(send(r, method::post, "/v2/queues/q1/messages", with_client).status, 404u);
    // Header checks still run: no Client-ID is Zaqar's 400.
    EXPECT_EQ(send(r, method::get, "/v2/queues/q1/messages", signed_headers).status, 400u);
    // Without a key configured, nothing verifies.
    const auto without_key = make(keys_, defaults_);
    EXPECT_EQ(send(without_key, method::get, "/v2/queues/q1/messages", with_client).status, 404u);
}

TEST_F(router_test, a_route_naming_an_unknown_rule_is_a_startup_error) {
    static const route bad[] = {
        route{method::get, "/v2/x", v2_routes()[0].handle, "queues:frobnicate"}};
    EXPECT_THROW(router(bad, services_, clock_, false, access_control{keys_, defaults_, cors_}),
                 std::invalid_argument);
}

api_versions every_version() {
    return api_versions{}.add(api_version::v1_0).add(api_version::v1_1);
}

TEST_F(router_test, every_route_names_a_zaqar_rule_except_the_home_documents) {
    for (const auto& r : served_routes(every_version())) {
        if (r.path_template == "/" || r.path_template == "/v2" || r.path_template == "/v1.1" ||
            r.path_template == "/v1") {
            EXPECT_TRUE(r.rule.empty()) << r.path_template;
            continue;
        }
        EXPECT_NE(defaults_.find(r.rule), nullptr) << r.path_template;
    }
}

TEST_F(router_test, each_route_lives_under_its_version_root) {
    for (const auto& r : served_routes(every_version())) {
        if (r.path_template == "/") continue;
        const auto root = root_of(r.version);
        EXPECT_TRUE(r.path_template.starts_with(root) &&
                    (r.path_template.size() == root.size() || r.path_template[root.size()] == '/'))
            << r.path_template;
    }
}

TEST_F(router_test, deprecated_versions_are_served_only_when_listed) {
    const auto only_v2 = served_routes({});
    EXPECT_EQ(only_v2.size(), v2_routes().size());
    const auto with_v1_1 = served_routes(api_versions{}.add(api_version::v1_1));
    EXPECT_EQ(with_v1_1.size(), v2_routes().size() + v1_1_routes().size());
    EXPECT_EQ(served_routes(every_version()).size(),
              v2_routes().size() + v1_1_routes().size() + v1_0_routes().size());

    const std::vector<std::pair<std::string, std::string>> scoped = {
        {"Client-ID", "3381af92-2b9e-11e3-b191-71861300734c"}, {"X-Project-ID", "p"}};
    const router plain(only_v2, services_, clock_, true, access_control{noauth_, defaults_, cors_});
    EXPECT_EQ(send(plain, method::get, "/v1.1/queues", scoped).status, 404u);
    const router old(with_v1_1, services_, clock_, true, access_control{noauth_, defaults_, cors_});
    EXPECT_EQ(send(old, method::get, "/v1.1/queues", scoped).status, 200u);
    // v1.1 shows a missing queue's metadata as stored: nothing, no reserved defaults.
    const auto queue = send(old, method::get, "/v1.1/queues/q1", scoped);
    EXPECT_EQ(queue.status, 200u);
    EXPECT_EQ(queue.body, "{}");
    // v1.0 asks for neither Client-ID nor X-Project-ID on its queue routes.
    const auto every_route = served_routes(every_version());
    const router all(every_route, services_, clock_, true,
                     access_control{noauth_, defaults_, cors_});
    EXPECT_EQ(send(all, method::head, "/v1/queues/q1", {}).status, 404u);
    EXPECT_EQ(send(all, method::put, "/v1/queues/q1", {}).status, 201u);
    EXPECT_EQ(send(all, method::get, "/v1/queues/q1", {}).status, 204u);
}

}  // namespace
}  // namespace marconi::api
