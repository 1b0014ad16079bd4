// Marconi. Matches a request to a route, authenticates it, runs Zaqar's header checks and the
// route's policy rule, calls the handler and turns every failure into a Zaqar error response.
// The only place that catches core::error.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "api/http/access.hpp"
#include "api/http/cors.hpp"
#include "api/http/handler.hpp"
#include "auth/authenticator.hpp"
#include "auth/policy.hpp"
#include "storage/contract/error.hpp"

namespace marconi::api {

/// Who may do what: the authenticator, the policy and CORS. Everything referenced must
/// outlive the router; all of it is immutable and shared by every thread.
struct access_control {
    const auth::authenticator& authenticator;
    const auth::policy& policy;
    const cors_policy& cors;
    /// [signed_url] secret_key: verifies URL-Signature requests and signs /share grants;
    /// empty: pre-signed URLs are off.
    std::string_view signed_url_key = {};

    /// noauth, Zaqar's default policy, no allowed CORS origin: `marconi serve` with no config.
    static access_control trusting();
};

/// Immutable after construction; shared by all sessions on all threads.
class router {
public:
    /// Throws std::invalid_argument if a route names a rule the policy does not have.
    router(std::span<const route> routes, core::services& services, const marconi::clock& clock,
           bool admin_mode, access_control access = access_control::trusting());

    /// Never throws: every failure becomes an error response.
    net::awaitable<response> dispatch(request req) const;

private:
    struct compiled_route {
        const route* target;
        std::vector<std::string> segments;  ///< "{}" marks a parameter
        const auth::check* rule;            ///< null: no policy rule
    };

    struct match_result {
        const compiled_route* found = nullptr;  ///< with the request's path params filled in
        std::string allow;                      ///< when not found: the methods served on this path
        bool open_path = false;  ///< the path belongs to an open route (no authentication)
    };

    match_result match(request& req) const;
    net::awaitable<response> handle(request& req) const;
    /// After authentication: 404/405 for an unmatched request, Zaqar's header checks, the
    /// route's policy rule, the handler.
    net::awaitable<response> authorized(request& req, const match_result& matched,
                                        const auth::identity& who) const;

    std::vector<compiled_route> routes_;
    api_versions served_;  ///< the versions of routes_
    core::services& services_;
    const marconi::clock& clock_;
    bool admin_mode_;
    access_control access_;
};

/// The v2 route table, `/` included (handlers/v2/routes.cpp).
std::span<const route> v2_routes();

/// The v1.1 route table (handlers/v1_1/routes.cpp).
std::span<const route> v1_1_routes();

/// The v1.0 route table (handlers/v1_0/routes.cpp).
std::span<const route> v1_0_routes();

/// The routes of v2 and of each deprecated version in `deprecated`.
std::vector<route> served_routes(api_versions deprecated);

}  // namespace marconi::api
