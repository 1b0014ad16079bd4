// Marconi bench: one keep-alive HTTP/1.1 client connection.
#include "http_connection.hpp"

#include <optional>
#include <random>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace marconi::bench {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

http::verb to_verb(method m) {
    switch (m) {
        case method::get: return http::verb::get;
        case method::post: return http::verb::post;
        case method::put: return http::verb::put;
        case method::delete_: return http::verb::delete_;
    }
    return http::verb::get;
}
}  // namespace

struct http_connection::impl {
    impl(net::any_io_executor ex, tcp::endpoint ep, client_identity id, std::chrono::milliseconds t)
        : stream(std::move(ex)), endpoint(ep), timeout(t) {
        req.version(11);
        req.set(http::field::host, id.host_header);
        req.set(http::field::user_agent, "marconi-bench");
        req.set(http::field::accept, "application/json");
        req.set(http::field::content_type, "application/json");
        req.set("Client-ID", id.client_id);
        req.set("X-Project-ID", id.project);
        req.keep_alive(true);
    }

    beast::tcp_stream stream;
    tcp::endpoint endpoint;
    std::chrono::milliseconds timeout;
    bool connected = false;
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    std::optional<http::response_parser<http::string_body>> parser;
    std::string body;  // the last response body; its capacity is recycled into the next parser
};

http_connection::http_connection(net::any_io_executor executor, tcp::endpoint endpoint,
                                 client_identity identity, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<impl>(std::move(executor), endpoint, std::move(identity), timeout)) {}

http_connection::~http_connection() = default;

std::string_view http_connection::body() const { return impl_->body; }

void http_connection::close() {
    beast::error_code ignored;
    impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    impl_->stream.close();
    impl_->connected = false;
    impl_->buffer.clear();
}

net::awaitable<reply> http_connection::request(method verb, std::string_view target,
                                               std::string_view body) {
    auto& s = *impl_;
    reply out;
    s.stream.expires_after(s.timeout);
    if (!s.connected) {
        auto [ec] = co_await s.stream.async_connect(s.endpoint, use_tuple);
        if (ec) {
            close();
            out.ec = ec;
            co_return out;
        }
        s.stream.socket().set_option(tcp::no_delay(true));
        s.connected = true;
    }

    s.req.method(to_verb(verb));
    s.req.target(target);
    s.req.body().assign(body);
    s.req.prepare_payload();
    auto [write_ec, written] = co_await http::async_write(s.stream, s.req, use_tuple);
    if (write_ec) {
        close();
        out.ec = write_ec;
        out.maybe_applied = true;
        co_return out;
    }

    // Recycle the previous body's buffer into the new response message.
    http::response<http::string_body> fresh;
    s.body.clear();
    fresh.body() = std::move(s.body);
    s.parser.emplace(std::move(fresh));
    s.parser->body_limit(boost::none);
    auto [read_ec, read] = co_await http::async_read(s.stream, s.buffer, *s.parser, use_tuple);
    if (read_ec) {
        close();
        s.body.clear();
        out.ec = read_ec;
        out.maybe_applied = true;
        co_return out;
    }
    auto& res = s.parser->get();
    out.status = res.result_int();
    const bool keep = res.keep_alive();
    s.body = std::move(res.body());
    if (!keep) close();
    co_return out;
}

std::string random_uuid() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    const std::uint64_t a = rng(), b = rng();
    unsigned char bytes[16];
    for (int i = 0; i < 8; ++i) {
        bytes[i] = static_cast<unsigned char>(a >> (8 * i));
        bytes[8 + i] = static_cast<unsigned char>(b >> (8 * i));
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;  // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80;  // RFC 4122 variant
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(36);
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
        out.push_back(hex[bytes[i] >> 4]);
        out.push_back(hex[bytes[i] & 15]);
    }
    return out;
}

}  // namespace marconi::bench
