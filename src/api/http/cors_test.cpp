// Marconi. CORS as oslo.middleware does it: preflight answers and actual-request headers.
#include "api/http/cors.hpp"

#include <gtest/gtest.h>

#include <optional>

namespace marconi::api {
namespace {

cors_options zaqar_defaults(std::vector<std::string> origins) {
    cors_options o;
    o.allowed_origin = std::move(origins);
    o.expose_headers = {"X-Auth-Token", "X-Subject-Token", "X-Service-Token",
                        "X-OpenStack-Request-ID"};
    o.allow_methods = {"GET", "PUT", "POST", "DELETE", "PATCH", "HEAD"};
    o.allow_headers = {
        "X-Auth-Token", "X-Identity-Status",      "X-Roles",      "X-Service-Catalog", "X-User-Id",
        "X-Tenant-Id",  "X-OpenStack-Request-ID", "X-Trace-Info", "X-Trace-HMAC",      "Client-id"};
    return o;
}

request with_headers(std::vector<std::pair<std::string, std::string>> headers) {
    request req;
    req.method = method::options;
    req.path = "/v2/queues/q";
    req.headers = std::move(headers);
    return req;
}

std::optional<std::string> header(const response& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
        if (k == name) return v;
    }
    return std::nullopt;
}

const std::string origin = "https://app.example";

TEST(cors, preflight_from_an_allowed_origin) {
    const cors_policy cors(zaqar_defaults({origin}));
    const auto reply = cors.preflight(
        with_headers({{"Origin", origin},
                      {"Access-Control-Request-Method", "PUT"},
                      {"Access-Control-Request-Headers", "x-auth-token, Client-ID,Content-Type"}}),
        "GET, PUT, OPTIONS");
    EXPECT_EQ(reply.status, 200u);
    EXPECT_TRUE(reply.body.empty());
    EXPECT_TRUE(reply.content_type.empty());
    EXPECT_EQ(header(reply, "Allow"), "GET, PUT, OPTIONS");
    EXPECT_EQ(header(reply, "Access-Control-Allow-Origin"), origin);
    EXPECT_EQ(header(reply, "Vary"), "Origin");
    EXPECT_EQ(header(reply, "Access-Control-Allow-Credentials"), "true");
    EXPECT_EQ(header(reply, "Access-Control-Max-Age"), "3600");
    EXPECT_EQ(header(reply, "Access-Control-Allow-Methods"), "PUT");
    EXPECT_EQ(header(reply, "Access-Control-Allow-Headers"), "x-auth-token,Client-ID,Content-Type");
}

TEST(cors, preflight_refusals_are_plain_200s) {
    const cors_policy cors(zaqar_defaults({origin}));
    auto refused = [&](std::vector<std::pair<std::string, std::string>> headers) {
        const auto reply = cors.preflight(with_headers(std::move(headers)), "");
        EXPECT_EQ(reply.status, 200u);
        EXPECT_FALSE(header(reply, "Allow"));
        return !header(reply, "Access-Control-Allow-Origin");
    };
    EXPECT_TRUE(refused({{"Access-Control-Request-Method", "GET"}}));  // no Origin
    EXPECT_TRUE(
        refused({{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "GET"}}));
    EXPECT_TRUE(refused({{"Origin", origin}}));  // no requested method
    EXPECT_TRUE(refused({{"Origin", origin}, {"Access-Control-Request-Method", "TRACE"}}));
    EXPECT_TRUE(refused({{"Origin", origin}, {"Access-Control-Request-Method", "get"}}));
    EXPECT_TRUE(refused({{"Origin", origin},
                         {"Access-Control-Request-Method", "GET"},
                         {"Access-Control-Request-Headers", "X-Auth-Token, X-Secret"}}));
    EXPECT_FALSE(refused({{"Origin", origin}, {"Access-Control-Request-Method", "GET"}}));
}

TEST(cors, wildcard_origin_and_options_off) {
    auto options = zaqar_defaults({"*"});
    options.allow_credentials = false;
    options.max_age = 0;
    const cors_policy cors(options);
    const auto reply = cors.preflight(
        with_headers({{"Origin", origin}, {"Access-Control-Request-Method", "GET"}}), "");
    EXPECT_EQ(header(reply, "Access-Control-Allow-Origin"), "*");
    EXPECT_FALSE(header(reply, "Access-Control-Allow-Credentials"));
    EXPECT_FALSE(header(reply, "Access-Control-Max-Age"));
    EXPECT_FALSE(header(reply, "Access-Control-Allow-Headers"));
}

TEST(cors, actual_requests_from_allowed_origins_are_decorated) {
    const cors_policy cors(zaqar_defaults({origin, "https://other.example"}));
    auto req = with_headers({{"Origin", origin}});
    req.method = method::get;
    auto reply = response::json(401, "{}");
    reply.with_header("Vary", "Accept");
    cors.decorate(req, reply);
    EXPECT_EQ(header(reply, "Vary"), "Accept,Origin");
    EXPECT_EQ(header(reply, "Access-Control-Allow-Origin"), origin);
    EXPECT_EQ(header(reply, "Access-Control-Allow-Credentials"), "true");
    EXPECT_EQ(header(reply, "Access-Control-Expose-Headers"),
              "X-Auth-Token,X-Subject-Token,X-Service-Token,X-OpenStack-Request-ID");

    auto other = response::json(200, "{}");
    auto stranger = with_headers({{"Origin", "https://evil.example"}});
    cors.decorate(stranger, other);
    EXPECT_TRUE(other.headers.empty());
    auto no_origin = response::json(200, "{}");
    cors.decorate(with_headers({}), no_origin);
    EXPECT_TRUE(no_origin.headers.empty());
}

TEST(cors, nothing_happens_without_allowed_origins) {
    const cors_policy cors(zaqar_defaults({}));
    auto reply = response::json(200, "{}");
    cors.decorate(with_headers({{"Origin", origin}}), reply);
    EXPECT_TRUE(reply.headers.empty());
    const auto pre = cors.preflight(
        with_headers({{"Origin", origin}, {"Access-Control-Request-Method", "GET"}}), "GET");
    EXPECT_EQ(pre.status, 200u);
    EXPECT_FALSE(header(pre, "Access-Control-Allow-Origin"));
}

}  // namespace
}  // namespace marconi::api
