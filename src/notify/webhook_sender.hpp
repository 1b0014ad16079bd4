// Marconi. Webhook delivery: one POST per notification through outbound::client (Beast,
// http and https with the system CAs, peer and host name verified, one deadline for connect,
// handshake, request and response). Zaqar's rule (spec 8.3): 200-499 delivered, anything else
// (5xx, no answer) is a failure to retry.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "notify/delivery.hpp"

namespace marconi::outbound {
class client;
}

namespace marconi::notify {

namespace net = boost::asio;

/// Thread-safe; send() may run on any io thread at once. Keeps one client (and so one TLS
/// context, loaded once) per origin, for the most recent few hundred origins.
class webhook_sender {
public:
    explicit webhook_sender(std::chrono::milliseconds timeout) : timeout_(timeout) {}
    ~webhook_sender();

    /// POSTs `body` to `url` (http:// or https://, with any path and query).
    net::awaitable<attempt_result> send(std::string url,
                                        std::vector<std::pair<std::string, std::string>> headers,
                                        std::string body);

private:
    std::shared_ptr<const outbound::client> client_for(bool tls, const std::string& host,
                                                       const std::string& port);

    static constexpr std::size_t max_clients = 256;
    const std::chrono::milliseconds timeout_;
    std::mutex mutex_;
    std::map<std::string, std::shared_ptr<const outbound::client>> clients_;  // by origin
};

}  // namespace marconi::notify
