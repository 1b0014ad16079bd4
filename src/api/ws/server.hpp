// Marconi. The WebSocket transport: serves the sockets the listeners hand over (Zaqar's
// MessagingProtocol), keeps the registry of open sockets, and runs the internal notification
// endpoint that pushes a subscription's notifications to its socket (NotificationProtocol).
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "api/http/upgrade.hpp"
#include "api/ws/dispatcher.hpp"

namespace marconi::api::ws {

struct server_options {
    /// The largest frame read; a larger one closes the socket with 1009 (message too big).
    std::size_t frame_limit = 1 << 20;
    /// A silent socket is pinged after half of this and closed if the pong does not come
    /// back within the other half.
    std::chrono::seconds idle_timeout{60};
    /// The notification endpoint; port 0 picks a free one.
    std::string notification_bind = "127.0.0.1";
    std::uint16_t notification_port = 0;
};

/// Shared by every listener; must outlive them. serve() runs on the connection's executor.
class server final : public upgrade_handler {
public:
    /// `actions` must outlive the server. Draws the notification endpoint's key; throws
    /// std::runtime_error when OpenSSL cannot.
    server(net::io_context& io, const dispatcher& actions, server_options options);
    ~server() override;

    /// Opens the notification endpoint; throws std::system_error when its address is unusable.
    void start();
    /// `http://<notification_bind>:<port>/`: a socket's subscriber URL is this plus its id, a
    /// slash and the id's tag (notification_key).
    std::string notification_url() const;
    /// Sends every open socket a close frame (1001, going away) and closes the notification
    /// endpoint. The sockets' sessions then end, and the listeners' drain sees them go.
    void shutdown();

    net::awaitable<void> serve(boost::beast::tcp_stream& stream, beast_request upgrade) override;
    net::awaitable<void> serve(tls_stream& stream, beast_request upgrade) override;

    struct state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace marconi::api::ws
