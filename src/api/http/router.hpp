// Marconi. Matches a request to a route, runs Zaqar's header checks, calls the handler and turns
// every failure into a Zaqar error response. The only place that catches core::error.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "api/http/handler.hpp"

namespace marconi::api {

/// Immutable after construction; shared by all sessions on all threads.
class router {
public:
    router(std::span<const route> routes, core::services& services, const marconi::clock& clock,
           bool admin_mode);

    /// Never throws: every failure becomes an error response.
    net::awaitable<response> dispatch(request req) const;

private:
    struct compiled_route {
        const route* target;
        std::vector<std::string> segments;  ///< "{}" marks a parameter
    };

    /// The route for (method, path) with path params filled in; throws route_not_found or
    /// method_not_allowed (with the allowed methods in `allow`).
    const route& match(request& req, std::string& allow) const;
    net::awaitable<response> handle(request& req) const;

    std::vector<compiled_route> routes_;
    core::services& services_;
    const marconi::clock& clock_;
    bool admin_mode_;
};

/// The v2 route table (handlers/v2/routes.cpp).
std::span<const route> v2_routes();

}  // namespace marconi::api
