// Marconi. The HTTP/1.1 listener: accepts connections and runs one session coroutine per
// connection, each pinned to one io thread of the io_pool, reading requests into api::request
// for the router. It
// also enforces the connection limits and timeouts, and drains the sessions on shutdown.
// Plain TCP or TLS (OpenSSL): the session loop is one template over the stream type.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "api/http/io_pool.hpp"
#include "api/http/router.hpp"
#include "api/http/upgrade.hpp"

namespace marconi::api {

struct listener_options {
    std::string bind = "127.0.0.1";
    std::uint16_t port = 8888;
    std::size_t body_limit = 1 << 20;     ///< larger bodies get 400 and the connection closes
    std::size_t header_limit = 16 << 10;  ///< larger headers get 431 and the connection closes
    /// To receive a request's headers, counted from their first byte (a new connection must
    /// send its first request within this too). Cuts off clients dribbling header bytes.
    std::chrono::seconds header_timeout{10};
    /// To receive a request's body once its headers are in, and to send a response.
    std::chrono::seconds body_timeout{30};
    /// How long a keep-alive connection may wait for its next request.
    std::chrono::seconds idle_timeout{60};
    /// Open connections; a connection beyond it gets 503 + Retry-After and is closed.
    std::size_t max_connections = 10000;
    /// Requests dispatched at once; a request beyond it gets 503 + Retry-After.
    std::size_t max_inflight_requests = 4096;
    /// TLS: PEM certificate chain and private key. Both empty: plain HTTP.
    std::string tls_cert_file;
    std::string tls_key_file;
    /// Serves `Upgrade: websocket` requests on any path; null: they are ordinary requests.
    /// Must outlive the listener.
    upgrade_handler* websocket = nullptr;
};

/// Owns the acceptor and the registry of open sessions. start(), stop() and shutdown() may be
/// called from any thread. The accept loop and shutdown's drain run on the listener's strand
/// (on the pool's main context); each session runs on the context it was accepted onto, whose
/// one thread serializes it as a strand would. `pool` and `router` must outlive it. Every 503
/// the listener sends carries `Retry-After: 1`.
class listener {
public:
    listener(io_pool& pool, const router& router, listener_options options);
    ~listener();

    /// Binds and starts accepting; throws std::system_error when the address is unusable and
    /// std::runtime_error naming the file when the TLS certificate or key is.
    void start();
    /// Stops accepting new connections; open sessions carry on (see shutdown()).
    void stop();
    /// Graceful shutdown; call once. Stops accepting and closes idle connections at once.
    /// Requests already being read or processed finish, and their responses carry
    /// `Connection: close`. When the last session ends, or after `grace`, calls `done` with the
    /// number of sessions still open, which are then closed (their responses are lost).
    /// `done` runs on the listener's strand.
    void shutdown(std::chrono::milliseconds grace, std::function<void(std::size_t)> done);
    net::ip::tcp::endpoint local_endpoint() const;

    /// Shared with the accept loop and the sessions, which may outlive this object briefly.
    struct state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace marconi::api
