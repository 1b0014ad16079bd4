// Marconi. CORS with oslo.middleware's semantics (oslo_middleware/cors.py, which Zaqar installs
// in front of everything): preflights are answered here, before authentication, and responses
// to actual requests from an allowed Origin get Access-Control-* headers. Transport-neutral.
#pragma once

#include <string>
#include <vector>

#include "api/http/message.hpp"

namespace marconi::api {

/// oslo's [cors] options; defaults are the ones Zaqar sets (config::cors_config mirrors them).
struct cors_options {
    std::vector<std::string> allowed_origin;  ///< exact "scheme://host[:port]", or "*"
    bool allow_credentials = true;
    std::vector<std::string> expose_headers;
    int max_age = 3600;  ///< 0: no Access-Control-Max-Age
    std::vector<std::string> allow_methods;
    std::vector<std::string> allow_headers;
};

/// Immutable after construction; shared by every session on every thread.
class cors_policy {
public:
    explicit cors_policy(cors_options options);

    /// The answer to an OPTIONS request: always 200 with no body (as oslo turns any answer to
    /// a preflight into), with `Allow` when the path is known (`allow` not empty), and with
    /// the preflight headers when the Origin is allowed and the requested method and headers
    /// are permitted. No authentication is involved.
    response preflight(const request& req, const std::string& allow) const;

    /// Adds Vary, Access-Control-Allow-Origin, -Allow-Credentials and -Expose-Headers to the
    /// response of an actual request whose Origin is allowed; leaves any other response alone.
    void decorate(const request& req, response& reply) const;

private:
    /// The allowed_origin entry that admits `origin` ("*" admits any), or nullptr.
    const std::string* admitted(std::string_view origin) const;

    cors_options options_;
};

}  // namespace marconi::api
