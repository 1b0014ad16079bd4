// Marconi. One HTTP exchange with a remote service (Keystone), as plain values, so that an
// authenticator can call a server without depending on the transport that carries the call.
// The Beast implementation is outbound::client (http_client.hpp); unit tests use a fake.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace marconi::outbound {

namespace net = boost::asio;

using http_headers = std::vector<std::pair<std::string, std::string>>;

struct http_request {
    std::string method;  ///< "GET", "POST", ...
    std::string target;  ///< path and query, e.g. "/v3/auth/tokens?nocatalog"
    http_headers headers;
    std::string body;  ///< sent with Content-Length when not empty
};

struct http_response {
    unsigned status = 0;
    http_headers headers;
    std::string body;

    /// The first header called `name` (case-insensitive), if any.
    std::optional<std::string_view> header(std::string_view name) const;
};

/// Sends requests to one server (scheme, host and port fixed at construction). Failures to
/// reach it or read its answer (refused, timed out, malformed) are error codes; any HTTP
/// status is a response. Implementations are safe to call from any thread at once.
class http_transport {
public:
    virtual ~http_transport() = default;

    virtual net::awaitable<boost::system::result<http_response>> send(
        http_request request) const = 0;

    /// "http://host:port" or "https://host:port", for logs.
    virtual std::string origin() const = 0;
};

}  // namespace marconi::outbound
