// Marconi. Keystone trusts against a scripted Keystone (no network): the request bodies, the
// trustee's id looked up once, trust tokens reused until shortly before they expire, and a
// revoked trust or an unreachable Keystone as an error value.
#include "auth/keystone_trusts.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <set>
#include <vector>

#include "storage/contract/error.hpp"

namespace marconi::auth {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using boost::system::result;

class fake_keystone final : public outbound::http_transport {
public:
    explicit fake_keystone(std::string expires) : expires_(std::move(expires)) {}

    net::awaitable<result<outbound::http_response>> send(
        outbound::http_request request) const override {
        requests.push_back(request);
        if (down) co_return make_error_code(boost::asio::error::connection_refused);
        outbound::http_response reply;
        if (request.target.starts_with("/v3/OS-TRUST/trusts")) {
            // Keystone's unique (trustor, trustee, project, impersonation, expires_at).
            const auto at = json::serialize(json::parse(request.body).at("trust").at("expires_at"));
            reply.status = at == "null" || trusts_expiring.insert(at).second ? 201 : 409;
            reply.body = R"({"trust":{"id":"t-1"}})";
            co_return reply;
        }
        const auto body = json::parse(request.body);
        const auto* trust = body.find_pointer("/auth/scope/OS-TRUST:trust/id", ec_);
        if (trust && revoked.contains(std::string(trust->as_string()))) {
            reply.status = 404;
            co_return reply;
        }
        reply.status = 201;
        reply.headers = {{"X-Subject-Token", "tok-" + std::to_string(requests.size())}};
        reply.body = R"({"token":{"user":{"id":"trustee-id"},"expires_at":")" + expires_ + "\"}}";
        co_return reply;
    }
    std::string origin() const override { return "http://keystone.test:5000"; }

    mutable std::vector<outbound::http_request> requests;
    std::set<std::string> revoked;
    mutable std::set<std::string> trusts_expiring;
    bool down = false;

private:
    std::string expires_;
    mutable boost::system::error_code ec_;
};

trustee_options options() {
    trustee_options o;
    o.username = "marconi";
    o.password = "secret";
    return o;
}

TEST(keystone_trusts, trust_body_delegates_roles_with_impersonation_and_expiry) {
    const core::trustor who{"user-token", "alice-id", {"member", "reader"}};
    const auto at = time_point{std::chrono::sys_days{std::chrono::year{2026} / 12 / 8}} + 1h;
    const auto body = json::parse(trust_request_body(who, "trustee-id", "acme-id", at));
    EXPECT_EQ(body,
              json::parse(R"({"trust":{"trustor_user_id":"alice-id",)"
                          R"("trustee_user_id":"trustee-id","project_id":"acme-id",)"
                          R"("impersonation":true,"roles":[{"name":"member"},)"
                          R"({"name":"reader"}],"expires_at":"2026-12-08T01:00:00.000000Z"}})"));
    EXPECT_TRUE(json::parse(trust_request_body(who, "t", "p", std::nullopt))
                    .at("trust")
                    .at("expires_at")
                    .is_null());
}

TEST(keystone_trusts, auth_body_is_the_trustees_password_scoped_to_the_trust) {
    const auto body = json::parse(trustee_auth_body(options(), "t-9"));
    EXPECT_EQ(body.at("auth").at("scope"), json::parse(R"({"OS-TRUST:trust":{"id":"t-9"}})"));
    EXPECT_EQ(body.at("auth").at("identity").at("password").at("user").at("name"), "marconi");
    EXPECT_FALSE(
        json::parse(trustee_auth_body(options(), "")).at("auth").as_object().contains("scope"));
}

class broker_test : public ::testing::Test {
protected:
    void make(std::string expires) {
        auto fake = std::make_unique<fake_keystone>(std::move(expires));
        keystone_ = fake.get();
        broker_ = std::make_unique<keystone_trust_broker>(options(), std::move(fake), clock_);
    }
    template <class T>
    T run(net::awaitable<T> a) {
        auto future = net::co_spawn(io_, std::move(a), net::use_future);
        io_.restart();
        io_.run();
        return future.get();
    }

    net::io_context io_;
    manual_clock clock_{time_point{std::chrono::sys_days{std::chrono::year{2026} / 12 / 8}}};
    fake_keystone* keystone_ = nullptr;
    std::unique_ptr<keystone_trust_broker> broker_;
};

TEST_F(broker_test, creates_the_trust_with_the_users_token_for_the_trustee) {
    make("2026-12-08T01:00:00Z");
    const auto id =
        run(broker_->create_trust({"user-token", "alice-id", {"member"}}, "acme-id", std::nullopt));
    EXPECT_EQ(id, "t-1");
    ASSERT_EQ(keystone_->requests.size(), 2u);  // trustee login, then the trust
    const auto& create = keystone_->requests[1];
    EXPECT_EQ(create.target, "/v3/OS-TRUST/trusts");
    EXPECT_EQ(create.headers.front(),
              (std::pair<std::string, std::string>{"X-Auth-Token", "user-token"}));
    EXPECT_EQ(json::parse(create.body).at("trust").at("trustee_user_id"), "trustee-id");
    // The trustee's id is looked up once.
    run(broker_->create_trust({"user-token", "alice-id", {"member"}}, "acme-id", std::nullopt));
    EXPECT_EQ(keystone_->requests.size(), 3u);
}

TEST_F(broker_test, same_expiry_twice_is_moved_by_a_millisecond) {
    make("2026-12-08T01:00:00Z");
    const auto at = clock_.now() + 600s;
    run(broker_->create_trust({"tok", "alice-id", {}}, "acme-id", at));
    EXPECT_EQ(run(broker_->create_trust({"tok", "alice-id", {}}, "acme-id", at)), "t-1");
    ASSERT_EQ(keystone_->requests.size(), 4u);  // login, trust, trust (409), trust
    EXPECT_EQ(json::parse(keystone_->requests[3].body).at("trust").at("expires_at"),
              "2026-12-08T00:10:00.001000Z");
}

TEST_F(broker_test, unreachable_keystone_refuses_the_trust) {
    make("2026-12-08T01:00:00Z");
    keystone_->down = true;
    EXPECT_THROW(run(broker_->create_trust({"t", "u", {}}, "p", std::nullopt)), core::error);
}

TEST_F(broker_test, trust_tokens_are_reused_until_a_minute_before_expiry) {
    make("2026-12-08T01:00:00Z");
    const auto first = run(broker_->token_for("t-1"));
    EXPECT_EQ(first.token, "tok-1");
    EXPECT_EQ(run(broker_->token_for("t-1")).token, "tok-1");
    EXPECT_EQ(keystone_->requests.size(), 1u);
    clock_.advance(59min);
    EXPECT_EQ(run(broker_->token_for("t-1")).token, "tok-2");
}

TEST_F(broker_test, revoked_trust_or_no_keystone_is_an_error_value) {
    make("2026-12-08T01:00:00Z");
    keystone_->revoked.insert("gone");
    const auto revoked = run(broker_->token_for("gone"));
    EXPECT_TRUE(revoked.token.empty());
    EXPECT_NE(revoked.error.find("404"), std::string::npos) << revoked.error;
    keystone_->down = true;
    EXPECT_TRUE(run(broker_->token_for("other")).token.empty());
}

}  // namespace
}  // namespace marconi::auth
