// Marconi. The HTTP/1.1 listener: accepts connections and runs one session coroutine per
// connection, each on its own strand, reading requests into api::request for the router.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "api/http/router.hpp"

namespace marconi::api {

struct listener_options {
    std::string bind = "127.0.0.1";
    std::uint16_t port = 8888;
    std::size_t body_limit = 1 << 20;     ///< larger bodies get 400 and the connection closes
    std::size_t header_limit = 16 << 10;  ///< larger headers get 431 and the connection closes
    std::chrono::seconds request_timeout{30};  ///< to receive one whole request, and idle time
};

/// Owns the acceptor. start() and stop() are called from the thread that owns the app; the
/// accept loop and sessions run on the io_context's threads. `router` must outlive it.
class listener {
public:
    listener(net::io_context& io, const router& router, listener_options options);
    ~listener();

    /// Binds and starts accepting; throws std::system_error when the address is unusable.
    void start();
    /// Stops accepting new connections; sessions finish their current request.
    void stop();
    net::ip::tcp::endpoint local_endpoint() const;

    /// Shared with the accept loop, which may outlive this object briefly after stop().
    struct state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace marconi::api
