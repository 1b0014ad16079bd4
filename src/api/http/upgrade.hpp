// Marconi. The listener's hook for requests that switch protocols: an HTTP/1.1 request with
// `Upgrade: websocket` is handed, with its connection, to whatever serves WebSockets, so every
// listener accepts them without including the WebSocket code.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "api/http/beast_adapter.hpp"

namespace marconi::api {

namespace net = boost::asio;
using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

class upgrade_handler {
public:
    virtual ~upgrade_handler() = default;
    /// Runs the connection until it closes. The stream outlives the call; the session ends
    /// when it returns.
    virtual net::awaitable<void> serve(boost::beast::tcp_stream& stream, beast_request upgrade) = 0;
    virtual net::awaitable<void> serve(tls_stream& stream, beast_request upgrade) = 0;
};

}  // namespace marconi::api
