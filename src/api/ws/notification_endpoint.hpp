// Marconi. Zaqar's NotificationProtocol: an internal HTTP endpoint where a webhook notifier
// posts a notification for a WebSocket subscriber, `POST /<connection id>/<tag>` with a
// Content-Length; the body goes to that socket. The tag (notification_key) proves the URL is
// one this server handed out: without it (Zaqar's bare `/<connection id>`) or with a wrong
// one the answer is 404 and nothing reaches a socket. Anything else is refused; a tagged id
// with no open socket is answered 200 and dropped, as Zaqar does.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "api/ws/notification_key.hpp"

namespace marconi::api::ws {

namespace net = boost::asio;

class notification_endpoint {
public:
    /// Called on a connection's strand with the socket id and the body posted for it.
    using deliver_fn = std::function<void(std::string id, std::string body)>;

    /// `key` must be the one the subscriber URLs were tagged with.
    notification_endpoint(net::io_context& io, std::string bind, std::uint16_t port,
                          std::size_t body_limit, notification_key key, deliver_fn deliver);
    ~notification_endpoint();

    /// Binds and starts accepting; throws std::system_error when the address is unusable.
    void start();
    /// Stops accepting; requests being read finish (each connection carries one request).
    void stop();
    net::ip::tcp::endpoint local_endpoint() const;

    struct state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace marconi::api::ws
