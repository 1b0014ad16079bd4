// Marconi. The Keystone authenticator against a scripted Keystone (no network): identity from
// the token, caching of valid and refused tokens within the token's life, service login and
// renewal, retry after a refused service token, one shared call per token, and 503 cases.
#include "auth/keystone.hpp"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <future>
#include <map>
#include <set>
#include <vector>

namespace marconi::auth {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using boost::system::result;

/// Keystone's timestamp format.
std::string keystone_time(time_point t) {
    const auto day = std::chrono::floor<std::chrono::days>(t);
    const std::chrono::year_month_day date{day};
    const std::chrono::hh_mm_ss clock{t - day};
    char out[64];
    std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%03ld000Z",
                  static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()), static_cast<long>(clock.hours().count()),
                  static_cast<long>(clock.minutes().count()),
                  static_cast<long>(clock.seconds().count()),
                  static_cast<long>(clock.subseconds().count()));
    return out;
}

struct user_token {
    std::string user;
    std::string project;  // "" = not scoped to a project
    std::vector<std::string> roles;
    time_point expires_at;
};

/// A scripted Keystone behind the http_transport interface. Single-threaded (the tests run one
/// io thread).
class fake_keystone final : public outbound::http_transport {
public:
    explicit fake_keystone(const manual_clock& clock) : clock_(clock) {}

    net::awaitable<result<outbound::http_response>> send(
        outbound::http_request request) const override {
        requests.push_back(request);
        if (delay > 0ms) {
            net::steady_timer wait(co_await net::this_coro::executor);
            wait.expires_after(delay);
            co_await wait.async_wait(net::as_tuple(net::use_awaitable));
        }
        if (down) co_return make_error_code(boost::asio::error::connection_refused);
        co_return answer(request);
    }
    std::string origin() const override { return "http://keystone.test:5000"; }

    int logins() const { return count("POST"); }
    int validations() const { return count("GET"); }

    mutable std::vector<outbound::http_request> requests;
    std::map<std::string, user_token> tokens;      // user token -> what it stands for
    mutable std::set<std::string> service_tokens;  // the ones Keystone accepts now
    std::chrono::seconds service_life{3600};
    bool refuse_login = false;
    bool down = false;
    unsigned validation_status = 0;  // when set, every validation answers this
    std::chrono::milliseconds delay{0};

private:
    int count(std::string_view method) const {
        int n = 0;
        for (const auto& r : requests) n += r.method == method;
        return n;
    }

    static std::string header(const outbound::http_request& r, std::string_view name) {
        for (const auto& [k, v] : r.headers) {
            if (k == name) return v;
        }
        return {};
    }

    outbound::http_response answer(const outbound::http_request& request) const {
        outbound::http_response reply;
        if (request.target != "/v3/auth/tokens?nocatalog") {
            reply.status = 404;
            return reply;
        }
        if (request.method == "POST") {
            const auto body = json::parse(request.body);
            const auto& user = body.at("auth").at("identity").at("password").at("user");
            if (refuse_login || user.at("name") != "marconi" || user.at("password") != "secret" ||
                user.at("domain").at("name") != "Default" ||
                body.at("auth").at("scope").at("project").at("name") != "service") {
                reply.status = 401;
                return reply;
            }
            const auto token = "svc-" + std::to_string(logins());
            service_tokens.insert(token);
            reply.status = 201;
            reply.headers = {{"X-Subject-Token", token}};
            reply.body = json::serialize(json::object{
                {"token", {{"expires_at", keystone_time(clock_.now() + service_life)}}}});
            return reply;
        }
        if (!service_tokens.contains(header(request, "X-Auth-Token"))) {
            reply.status = 401;
            return reply;
        }
        if (validation_status != 0) {
            reply.status = validation_status;
            return reply;
        }
        const auto found = tokens.find(header(request, "X-Subject-Token"));
        if (found == tokens.end() || found->second.expires_at <= clock_.now()) {
            reply.status = 404;
            reply.body = R"({"error":{"code":404,"message":"Could not recognize Fernet token"}})";
            return reply;
        }
        const auto& t = found->second;
        json::object token{{"expires_at", keystone_time(t.expires_at)},
                           {"user", {{"id", t.user}, {"name", t.user + "-name"}}},
                           {"methods", json::array{"password"}}};
        if (!t.project.empty()) token["project"] = {{"id", t.project}, {"name", "p"}};
        json::array roles;
        for (const auto& r : t.roles) roles.push_back(json::object{{"id", "id-" + r}, {"name", r}});
        token["roles"] = std::move(roles);
        reply.status = 200;
        reply.body = json::serialize(json::object{{"token", std::move(token)}});
        return reply;
    }

    const manual_clock& clock_;
};

class keystone_test : public ::testing::Test {
protected:
    keystone_test() {
        keystone_->tokens["alice-token"] = {
            "alice", "p-acme", {"member", "reader"}, clock_.now() + 1h};
        keystone_->tokens["admin-token"] = {"root", "p-ops", {"admin"}, clock_.now() + 1h};
    }

    keystone_authenticator& make(std::chrono::seconds cache_time = 300s,
                                 std::chrono::milliseconds timeout = 2s) {
        keystone_options options;
        options.username = "marconi";
        options.password = "secret";
        options.project_name = "service";
        options.www_authenticate_uri = "http://keystone.test:5000/v3";
        options.token_cache_time = cache_time;
        options.timeout = timeout;
        // The authenticator owns the fake from here; keystone_ still points at it.
        authn_.emplace(std::move(options), std::move(owned_), clock_, io_.get_executor());
        return *authn_;
    }

    result<identity> auth(std::optional<std::string> token) {
        request_credentials creds;
        creds.token = std::move(token);
        creds.roles = "admin";  // never trusted
        creds.user_id = "spoofed";
        auto future = net::co_spawn(io_, authn_->authenticate(std::move(creds)), net::use_future);
        return wait(future);
    }

    /// Runs the io_context until `future` is ready (restarting it when it ran out of work).
    template <class T>
    T wait(std::future<T>& future) {
        while (future.wait_for(0s) != std::future_status::ready) {
            if (io_.stopped()) io_.restart();
            io_.run_one_for(10ms);
        }
        return future.get();
    }

    manual_clock clock_;
    net::io_context io_;
    std::unique_ptr<fake_keystone> owned_ = std::make_unique<fake_keystone>(clock_);
    fake_keystone* keystone_ = owned_.get();
    std::optional<keystone_authenticator> authn_;
};

TEST(keystone_paths, v3_path_comes_from_auth_url) {
    EXPECT_EQ(keystone_v3_path(""), "/v3");
    EXPECT_EQ(keystone_v3_path("/"), "/v3");
    EXPECT_EQ(keystone_v3_path("/v3"), "/v3");
    EXPECT_EQ(keystone_v3_path("/v3/"), "/v3");
    EXPECT_EQ(keystone_v3_path("/identity"), "/identity/v3");
    EXPECT_EQ(keystone_v3_path("/identity/v3"), "/identity/v3");
}

TEST(keystone_paths, parses_keystone_timestamps) {
    using std::chrono::sys_days;
    const time_point base{sys_days{std::chrono::year{2024} / 5 / 1} + 12h + 34min + 56s};
    EXPECT_EQ(parse_keystone_time("2024-05-01T12:34:56.000000Z"), base);
    EXPECT_EQ(parse_keystone_time("2024-05-01T12:34:56.123456Z"), base + 123ms);
    EXPECT_EQ(parse_keystone_time("2024-05-01T12:34:56.5Z"), base + 500ms);
    EXPECT_EQ(parse_keystone_time("2024-05-01T12:34:56Z"), base);
    EXPECT_EQ(parse_keystone_time("2024-05-01T12:34:56+00:00"), base);
    for (const char* bad : {"", "2024-05-01", "2024-13-01T00:00:00Z", "2024-05-01T12:34:56+02:00",
                            "2024-05-01T12:34:56.Z", "yesterday at noon, roughly"}) {
        EXPECT_FALSE(parse_keystone_time(bad)) << bad;
    }
    EXPECT_EQ(parse_keystone_time(keystone_time(base + 1500ms)), base + 1500ms);
}

TEST_F(keystone_test, identity_comes_from_the_token_not_the_headers) {
    auto& authn = make();
    EXPECT_EQ(authn.name(), "keystone");
    EXPECT_EQ(authn.challenge(), R"(Keystone uri="http://keystone.test:5000/v3")");
    const auto who = auth("alice-token");
    ASSERT_TRUE(who) << who.error().message();
    EXPECT_EQ(who->user_id, "alice");
    EXPECT_EQ(who->project_id, "p-acme");
    EXPECT_EQ(who->roles, (std::vector<std::string>{"member", "reader"}));
    EXPECT_EQ(keystone_->logins(), 1);
    EXPECT_EQ(keystone_->validations(), 1);
    const auto& check = keystone_->requests.back();
    EXPECT_EQ(check.method, "GET");
    EXPECT_EQ(check.headers[0], (std::pair<std::string, std::string>{"X-Auth-Token", "svc-1"}));
    EXPECT_EQ(check.headers[1],
              (std::pair<std::string, std::string>{"X-Subject-Token", "alice-token"}));
}

TEST_F(keystone_test, missing_and_refused_tokens) {
    make();
    EXPECT_EQ(auth(std::nullopt).error(), errc::missing_token);
    EXPECT_EQ(auth("").error(), errc::missing_token);
    EXPECT_EQ(auth("bogus").error(), errc::invalid_token);
    EXPECT_EQ(keystone_->validations(), 1);
    // A refused token is cached too: no second call.
    EXPECT_EQ(auth("bogus").error(), errc::invalid_token);
    EXPECT_EQ(keystone_->validations(), 1);
}

TEST_F(keystone_test, a_token_without_a_project_is_refused) {
    keystone_->tokens["domain-token"] = {"dom", "", {"admin"}, clock_.now() + 1h};
    make();
    EXPECT_EQ(auth("domain-token").error(), errc::invalid_token);
}

TEST_F(keystone_test, second_request_is_a_cache_hit) {
    auto& authn = make();
    ASSERT_TRUE(auth("alice-token"));
    ASSERT_TRUE(auth("alice-token"));
    ASSERT_TRUE(auth("alice-token"));
    EXPECT_EQ(keystone_->validations(), 1);
    EXPECT_EQ(authn.stats().cache_hits, 2u);
    EXPECT_EQ(authn.stats().validations, 1u);
    // The cache keeps it for token_cache_time, even when Keystone has forgotten it meanwhile.
    keystone_->tokens.erase("alice-token");
    clock_.advance(299s);
    EXPECT_TRUE(auth("alice-token"));
    clock_.advance(2s);
    EXPECT_EQ(auth("alice-token").error(), errc::invalid_token);
    EXPECT_EQ(keystone_->validations(), 2);
}

TEST_F(keystone_test, a_cached_token_never_outlives_its_expiry) {
    keystone_->tokens["short"] = {"bob", "p-acme", {}, clock_.now() + 60s};
    make(300s);
    ASSERT_TRUE(auth("short"));
    clock_.advance(59s);
    ASSERT_TRUE(auth("short"));
    EXPECT_EQ(keystone_->validations(), 1);
    clock_.advance(1s);
    EXPECT_EQ(auth("short").error(), errc::invalid_token);
    EXPECT_EQ(keystone_->validations(), 2);
}

TEST_F(keystone_test, a_refused_token_is_asked_again_after_the_cache_time) {
    make(30s);
    EXPECT_EQ(auth("late-token").error(), errc::invalid_token);
    keystone_->tokens["late-token"] = {"carol", "p-acme", {}, clock_.now() + 1h};
    clock_.advance(29s);
    EXPECT_EQ(auth("late-token").error(), errc::invalid_token);
    clock_.advance(1s);
    EXPECT_TRUE(auth("late-token"));
    EXPECT_EQ(keystone_->validations(), 2);
}

TEST_F(keystone_test, zero_cache_time_asks_every_time) {
    make(0s);
    ASSERT_TRUE(auth("alice-token"));
    ASSERT_TRUE(auth("alice-token"));
    EXPECT_EQ(auth("bogus").error(), errc::invalid_token);
    EXPECT_EQ(auth("bogus").error(), errc::invalid_token);
    EXPECT_EQ(keystone_->validations(), 4);
    EXPECT_EQ(keystone_->logins(), 1);
}

TEST_F(keystone_test, service_login_is_reused_then_renewed_before_expiry) {
    keystone_->service_life = 600s;
    make(0s);
    ASSERT_TRUE(auth("alice-token"));
    clock_.advance(400s);  // renewal is due 2 minutes before the token's expiry
    ASSERT_TRUE(auth("alice-token"));
    EXPECT_EQ(keystone_->logins(), 1);
    clock_.advance(81s);
    ASSERT_TRUE(auth("alice-token"));
    EXPECT_EQ(keystone_->logins(), 2);
    EXPECT_EQ(keystone_->requests.back().headers[0].second, "svc-2");
}

TEST_F(keystone_test, a_refused_service_token_means_log_in_again_and_retry) {
    make(0s);
    ASSERT_TRUE(auth("alice-token"));
    keystone_->service_tokens.clear();  // e.g. revoked, or Keystone's keys rotated
    const auto who = auth("admin-token");
    ASSERT_TRUE(who) << who.error().message();
    EXPECT_EQ(who->roles, std::vector<std::string>{"admin"});
    EXPECT_EQ(keystone_->logins(), 2);
    EXPECT_EQ(keystone_->validations(), 3);
}

TEST_F(keystone_test, wrong_service_credentials_are_unavailable_not_unauthorized) {
    keystone_->refuse_login = true;
    auto& authn = make();
    EXPECT_EQ(auth("alice-token").error(), errc::unavailable);
    EXPECT_EQ(auth("alice-token").error(), errc::unavailable);  // not cached
    EXPECT_EQ(keystone_->validations(), 0);
    EXPECT_EQ(authn.stats().unavailable, 2u);
    keystone_->refuse_login = false;
    EXPECT_TRUE(auth("alice-token"));
}

TEST_F(keystone_test, a_service_token_refused_twice_is_unavailable) {
    make();
    ASSERT_TRUE(auth("alice-token"));
    keystone_->validation_status = 401;
    EXPECT_EQ(auth("admin-token").error(), errc::unavailable);
    EXPECT_EQ(keystone_->logins(), 2);
}

TEST_F(keystone_test, keystone_errors_are_unavailable_and_not_cached) {
    make();
    keystone_->validation_status = 403;  // the service user lacks the service role
    EXPECT_EQ(auth("alice-token").error(), errc::unavailable);
    keystone_->validation_status = 500;
    EXPECT_EQ(auth("alice-token").error(), errc::unavailable);
    keystone_->validation_status = 0;
    keystone_->down = true;
    EXPECT_EQ(auth("alice-token").error(), errc::unavailable);
    keystone_->down = false;
    EXPECT_TRUE(auth("alice-token"));
}

TEST_F(keystone_test, cached_tokens_keep_working_while_keystone_is_down) {
    make();
    ASSERT_TRUE(auth("alice-token"));
    EXPECT_EQ(auth("bogus").error(), errc::invalid_token);
    keystone_->down = true;
    EXPECT_TRUE(auth("alice-token"));
    EXPECT_EQ(auth("bogus").error(), errc::invalid_token);
    EXPECT_EQ(auth("admin-token").error(), errc::unavailable);
}

TEST_F(keystone_test, concurrent_requests_for_one_token_share_one_call) {
    keystone_->delay = 50ms;
    auto& authn = make();
    std::vector<std::future<result<identity>>> futures;
    for (int i = 0; i < 5; ++i) {
        request_credentials creds;
        creds.token = "alice-token";
        futures.push_back(
            net::co_spawn(io_, authn.authenticate(std::move(creds)), net::use_future));
    }
    request_credentials other;
    other.token = "admin-token";
    futures.push_back(net::co_spawn(io_, authn.authenticate(std::move(other)), net::use_future));
    for (auto& f : futures) EXPECT_TRUE(wait(f));
    EXPECT_EQ(keystone_->validations(), 2);  // one per distinct token
    EXPECT_EQ(keystone_->logins(), 1);       // and one service login for both
}

TEST_F(keystone_test, a_hung_keystone_answers_503_within_the_timeout) {
    keystone_->delay = 5s;
    make(300s, 200ms);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(auth("alice-token").error(), errc::unavailable);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

}  // namespace
}  // namespace marconi::auth
