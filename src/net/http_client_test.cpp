// Marconi. The Keystone HTTP client against a scripted loopback server: what goes on the wire,
// what comes back, and the failures that must become errors quickly (refused, silent, huge).
#include "net/http_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <optional>
#include <string>

namespace marconi::outbound {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

enum class behaviour { answer, silent };

/// Accepts one connection, records the request, and answers (or says nothing).
struct scripted_server {
    explicit scripted_server(net::io_context& context) : io(context) {}

    net::io_context& io;
    tcp::acceptor acceptor{io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)};
    behaviour how = behaviour::answer;
    unsigned status = 200;
    std::string body = R"({"ok":true})";
    std::optional<bhttp::request<bhttp::string_body>> seen;

    std::string url() const {
        return "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/identity";
    }
};

net::awaitable<void> serve_one(scripted_server& server) {
    auto [accept_ec, socket] = co_await server.acceptor.async_accept(use_tuple);
    if (accept_ec) co_return;
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> request;
    auto [read_ec, n] = co_await bhttp::async_read(stream, buffer, request, use_tuple);
    if (read_ec) co_return;
    server.seen = request;
    if (server.how == behaviour::silent) {
        net::steady_timer hold(stream.get_executor());
        hold.expires_after(std::chrono::seconds{5});
        co_await hold.async_wait(use_tuple);
        co_return;
    }
    bhttp::response<bhttp::string_body> reply{static_cast<bhttp::status>(server.status), 11};
    reply.set("X-Subject-Token", "tok-123");
    reply.set(bhttp::field::content_type, "application/json");
    reply.body() = server.body;
    reply.prepare_payload();
    auto [write_ec, written] = co_await bhttp::async_write(stream, reply, use_tuple);
    (void)write_ec;
}

/// Runs one send() against `target` while `server` (if any) answers; stops the io_context
/// when the send completes, so a silent server cannot hold the test.
boost::system::result<http_response> run_send(net::io_context& io, const std::string& target,
                                              scripted_server* server,
                                              std::chrono::milliseconds timeout) {
    client c(parse_url(target), client_options{timeout, "", 1024});
    http_request request;
    request.method = "GET";
    request.target = "/identity/v3/auth/tokens?nocatalog";
    request.headers = {{"X-Auth-Token", "service"}, {"X-Subject-Token", "user"}};
    if (server) net::co_spawn(io, serve_one(*server), net::detached);
    auto future = net::co_spawn(io, c.send(std::move(request)), net::use_future);
    while (future.wait_for(std::chrono::seconds{0}) != std::future_status::ready) {
        if (io.stopped()) io.restart();
        io.run_one_for(std::chrono::milliseconds{50});
    }
    return future.get();
}

TEST(parse_url, splits_http_and_https_urls) {
    const auto plain = parse_url("http://127.0.0.1:5000/identity/");
    EXPECT_FALSE(plain.tls);
    EXPECT_EQ(plain.host, "127.0.0.1");
    EXPECT_EQ(plain.port, "5000");
    EXPECT_EQ(plain.path, "/identity/");
    EXPECT_EQ(plain.origin(), "http://127.0.0.1:5000");

    const auto secure = parse_url("https://keystone.example");
    EXPECT_TRUE(secure.tls);
    EXPECT_EQ(secure.host, "keystone.example");
    EXPECT_EQ(secure.port, "443");
    EXPECT_EQ(secure.path, "");

    const auto v6 = parse_url("http://[::1]:35357/v3");
    EXPECT_EQ(v6.host, "::1");
    EXPECT_EQ(v6.origin(), "http://[::1]:35357");
}

TEST(parse_url, refuses_what_it_cannot_use) {
    for (const char* bad : {"ftp://host/", "keystone:5000", "http://user:pw@host/",
                            "http://host/v3?x=1", "http://host:0/", "not a url"}) {
        EXPECT_THROW(parse_url(bad), std::invalid_argument) << bad;
    }
}

TEST(http_client, sends_the_request_and_returns_status_headers_and_body) {
    net::io_context io;
    scripted_server server{io};
    server.status = 404;
    server.body = R"({"error":{"code":404}})";
    const auto reply = run_send(io, server.url(), &server, std::chrono::seconds{5});
    ASSERT_TRUE(reply) << reply.error().message();
    EXPECT_EQ(reply->status, 404u);
    EXPECT_EQ(reply->body, R"({"error":{"code":404}})");
    EXPECT_EQ(reply->header("x-subject-token"), "tok-123");
    EXPECT_EQ(reply->header("Content-Type"), "application/json");
    EXPECT_FALSE(reply->header("X-Missing"));

    ASSERT_TRUE(server.seen);
    EXPECT_EQ(server.seen->method(), bhttp::verb::get);
    EXPECT_EQ(server.seen->target(), "/identity/v3/auth/tokens?nocatalog");
    EXPECT_EQ((*server.seen)["X-Auth-Token"], "service");
    EXPECT_EQ((*server.seen)["X-Subject-Token"], "user");
    EXPECT_EQ((*server.seen)[bhttp::field::host],
              "127.0.0.1:" + std::to_string(server.acceptor.local_endpoint().port()));
}

TEST(http_client, refused_connection_is_an_error_at_once) {
    net::io_context io;
    std::string url;
    {
        tcp::acceptor closed(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
        url = "http://127.0.0.1:" + std::to_string(closed.local_endpoint().port());
    }
    const auto start = std::chrono::steady_clock::now();
    const auto reply = run_send(io, url, nullptr, std::chrono::seconds{5});
    EXPECT_FALSE(reply);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds{2});
}

TEST(http_client, a_silent_server_times_out) {
    net::io_context io;
    scripted_server server{io};
    server.how = behaviour::silent;
    const auto start = std::chrono::steady_clock::now();
    const auto reply = run_send(io, server.url(), &server, std::chrono::milliseconds{300});
    ASSERT_FALSE(reply);
    EXPECT_EQ(reply.error(), beast::error::timeout);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds{3});
}

TEST(http_client, a_reply_over_the_body_limit_is_an_error) {
    net::io_context io;
    scripted_server server{io};
    server.body = std::string(4096, 'x');  // run_send allows 1024 bytes
    const auto reply = run_send(io, server.url(), &server, std::chrono::seconds{5});
    ASSERT_FALSE(reply);
    EXPECT_EQ(reply.error(), bhttp::error::body_limit);
}

}  // namespace
}  // namespace marconi::outbound
