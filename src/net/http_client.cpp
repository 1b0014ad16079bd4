// Marconi.
#include "net/http_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>
#include <openssl/ssl.h>

#include <stdexcept>
#include <utility>

namespace marconi::outbound {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using boost::system::result;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

bool is_ip_literal(const std::string& host) {
    boost::system::error_code ec;
    net::ip::make_address(host, ec);
    return !ec;
}

/// The Host header: brackets around an IPv6 address, the port only when not the default.
std::string host_header(const url& server) {
    std::string out =
        server.host.find(':') != std::string::npos ? "[" + server.host + "]" : server.host;
    if (server.port != (server.tls ? "443" : "80")) out += ":" + server.port;
    return out;
}

bhttp::request<bhttp::string_body> to_beast(const http_request& request, const url& server) {
    bhttp::request<bhttp::string_body> out;
    const auto verb = bhttp::string_to_verb(request.method);
    if (verb == bhttp::verb::unknown) {
        out.method_string(request.method);
    } else {
        out.method(verb);
    }
    out.target(request.target);
    out.version(11);
    out.set(bhttp::field::host, host_header(server));
    out.set(bhttp::field::user_agent, "marconi");
    out.set(bhttp::field::connection, "close");
    for (const auto& [name, value] : request.headers) out.insert(name, value);
    out.body() = request.body;
    out.prepare_payload();
    return out;
}

/// Writes the request and reads the whole reply on a connected (and, for TLS, handshaken)
/// stream; the stream's deadline bounds both.
template <class Stream>
net::awaitable<result<http_response>> exchange(Stream& stream,
                                               bhttp::request<bhttp::string_body>& out,
                                               std::size_t body_limit) {
    auto [write_ec, written] = co_await bhttp::async_write(stream, out, use_tuple);
    if (write_ec) co_return write_ec;
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(body_limit);
    auto [read_ec, read] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
    // A TLS peer that closes without close_notify after a complete reply is harmless here.
    if (read_ec && !(read_ec == ssl::error::stream_truncated && parser.is_done())) {
        co_return read_ec;
    }
    auto reply = parser.release();
    http_response response;
    response.status = reply.result_int();
    for (const auto& field : reply) {
        response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    response.body = std::move(reply.body());
    co_return response;
}

}  // namespace

std::string url::origin() const {
    return std::string(tls ? "https" : "http") + "://" +
           (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
}

url parse_url(const std::string& text) {
    // Boost.URL 1.81 as built by Debian reads its argument up to a NUL: pass a std::string.
    auto parsed = boost::urls::parse_uri(text);
    if (!parsed) {
        throw std::invalid_argument("\"" + text + "\" is not a URL: " + parsed.error().message());
    }
    const auto& u = *parsed;
    url out;
    const auto scheme = u.scheme();
    if (scheme == "https") {
        out.tls = true;
    } else if (scheme != "http") {
        throw std::invalid_argument("\"" + text +
                                    "\": only http:// and https:// URLs are supported");
    }
    if (u.has_userinfo()) {
        throw std::invalid_argument("\"" + text + "\": credentials do not belong in the URL");
    }
    if (u.has_query() || u.has_fragment()) {
        throw std::invalid_argument("\"" + text + "\": a query or fragment is not allowed here");
    }
    out.host = u.host_address();
    if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']') {
        out.host = out.host.substr(1, out.host.size() - 2);
    }
    if (out.host.empty()) throw std::invalid_argument("\"" + text + "\": no host");
    out.port = u.has_port() ? std::string(u.port()) : (out.tls ? "443" : "80");
    if (u.has_port() && (out.port.empty() || u.port_number() == 0)) {
        throw std::invalid_argument("\"" + text + "\": bad port");
    }
    out.path = std::string(u.encoded_path());
    return out;
}

client::client(url server, client_options options)
    : server_(std::move(server)), options_(std::move(options)) {
    if (!server_.tls) return;
    tls_ = std::make_unique<ssl::context>(ssl::context::tls_client);
    tls_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    if (options_.cafile.empty()) {
        tls_->set_default_verify_paths(ec);
    } else {
        tls_->load_verify_file(options_.cafile, ec);
    }
    if (ec) {
        throw std::invalid_argument((options_.cafile.empty()
                                         ? std::string("the system's CA certificates")
                                         : options_.cafile) +
                                    ": cannot load: " + ec.message());
    }
    tls_->set_verify_mode(ssl::verify_peer);
}

client::~client() = default;

net::awaitable<result<http_response>> client::send(http_request request) const {
    auto executor = co_await net::this_coro::executor;
    tcp::resolver resolver(executor);
    auto [resolve_ec, endpoints] =
        co_await resolver.async_resolve(server_.host, server_.port, use_tuple);
    if (resolve_ec) co_return resolve_ec;
    auto out = to_beast(request, server_);

    if (!tls_) {
        beast::tcp_stream stream(executor);
        stream.expires_after(options_.timeout);
        auto [connect_ec, connected] = co_await stream.async_connect(endpoints, use_tuple);
        if (connect_ec) co_return connect_ec;
        auto reply = co_await exchange(stream, out, options_.body_limit);
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        co_return reply;
    }

    beast::ssl_stream<beast::tcp_stream> stream(executor, *tls_);
    stream.set_verify_mode(ssl::verify_peer);
    stream.set_verify_callback(ssl::host_name_verification(server_.host));
    if (!is_ip_literal(server_.host) &&
        !SSL_set_tlsext_host_name(stream.native_handle(), server_.host.c_str())) {
        co_return boost::system::error_code(static_cast<int>(::ERR_get_error()),
                                            net::error::get_ssl_category());
    }
    auto& lowest = beast::get_lowest_layer(stream);
    lowest.expires_after(options_.timeout);
    auto [connect_ec, connected] = co_await lowest.async_connect(endpoints, use_tuple);
    if (connect_ec) co_return connect_ec;
    auto [handshake_ec] = co_await stream.async_handshake(ssl::stream_base::client, use_tuple);
    if (handshake_ec) co_return handshake_ec;
    co_return co_await exchange(stream, out, options_.body_limit);
}

}  // namespace marconi::outbound
