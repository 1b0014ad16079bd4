// Marconi. An asynchronous HTTP/1.1 client (Beast) for Keystone calls and webhooks: one
// connection per request, a deadline on every step, optional TLS with certificate and host
// name checks.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "net/http_transport.hpp"

namespace marconi::outbound {

/// An http:// or https:// URL taken apart.
struct url {
    bool tls = false;
    std::string host;  ///< without IPv6 brackets
    std::string port;  ///< "80"/"443" when the URL has none
    std::string path;  ///< "" or "/..." without query

    std::string origin() const;  ///< "http://host:port"
};

/// Throws std::invalid_argument naming what is wrong (not http/https, no host, a query,
/// a user:password part).
url parse_url(const std::string& text);

struct client_options {
    /// Connect, TLS handshake, sending and reading the reply must all finish within this.
    std::chrono::milliseconds timeout{5000};
    /// PEM file of CA certificates for https; "" means the system's default CA paths.
    std::string cafile;
    /// Longest reply body accepted.
    std::size_t body_limit = 1024 * 1024;
};

/// Immutable after construction; send() may run on any executor and thread at once (each call
/// has its own socket, on the calling coroutine's executor). Host names are resolved per call
/// (name lookup is not covered by the timeout; IP literals need none).
class client final : public http_transport {
public:
    /// Throws std::invalid_argument when `cafile` cannot be loaded.
    client(url server, client_options options);
    ~client() override;

    net::awaitable<boost::system::result<http_response>> send(http_request request) const override;
    std::string origin() const override { return server_.origin(); }

private:
    url server_;
    client_options options_;
    std::unique_ptr<net::ssl::context> tls_;  // https only
};

}  // namespace marconi::outbound
