// Marconi bench: one keep-alive HTTP/1.1 client connection.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

namespace marconi::bench {

namespace net = boost::asio;

enum class method : std::uint8_t { get, post, put, delete_ };

/// What a request came back with. `status` is 0 on a transport error; `maybe_applied` is true
/// when the request may have reached the server before the failure (its effect is unknown).
struct reply {
    boost::system::error_code ec;
    unsigned status = 0;
    bool maybe_applied = false;
};

/// Identity headers sent on every request.
struct client_identity {
    std::string host_header;  // "127.0.0.1:8888"
    std::string project;      // X-Project-ID
    std::string client_id;    // Client-ID (a UUID)
};

/// A keep-alive HTTP/1.1 connection that (re)connects lazily. The request message, the read
/// buffer and the response body are reused across requests, so a request costs a handful of
/// small allocations inside Beast's header container, not a fresh message each time.
///
/// Runs on the single-threaded io_context it was created with; not thread-safe; one request
/// in flight at a time (no pipelining).
class http_connection {
public:
    http_connection(net::any_io_executor executor, net::ip::tcp::endpoint endpoint,
                    client_identity identity, std::chrono::milliseconds timeout);
    ~http_connection();
    http_connection(const http_connection&) = delete;
    http_connection& operator=(const http_connection&) = delete;

    /// Sends one request and reads the whole response. Never throws for network errors.
    net::awaitable<reply> request(method verb, std::string_view target, std::string_view body = {});
    /// Body of the last response; valid until the next request.
    std::string_view body() const;
    void close();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

/// A random (version 4) UUID in canonical text form.
std::string random_uuid();

}  // namespace marconi::bench
