// Marconi. The webhook and mail senders against real local receivers: a loopback HTTP server
// that records each request and answers with a chosen status, and shell scripts as sendmail.
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include "notify/mail_sender.hpp"
#include "notify/webhook_sender.hpp"

namespace marconi::notify {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

struct receiver {
    explicit receiver(net::io_context& context) : io(context) {}

    net::io_context& io;
    tcp::acceptor acceptor{io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)};
    unsigned status = 200;
    std::optional<bhttp::request<bhttp::string_body>> seen;

    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + path;
    }
};

net::awaitable<void> answer_one(receiver& r) {
    auto [accept_ec, socket] = co_await r.acceptor.async_accept(use_tuple);
    if (accept_ec) co_return;
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> request;
    auto [read_ec, n] = co_await bhttp::async_read(stream, buffer, request, use_tuple);
    if (read_ec) co_return;
    r.seen = request;
    bhttp::response<bhttp::string_body> reply{static_cast<bhttp::status>(r.status), 11};
    reply.prepare_payload();
    co_await bhttp::async_write(stream, reply, use_tuple);
}

attempt_result post(net::io_context& io, webhook_sender& sender, std::string url) {
    std::vector<std::pair<std::string, std::string>> headers{{"Content-Type", "application/json"},
                                                             {"X-Token", "t1"}};
    auto result = net::co_spawn(io, sender.send(std::move(url), std::move(headers), R"({"a":1})"),
                                net::use_future);
    io.run();
    io.restart();
    return result.get();
}

TEST(webhook_sender, posts_body_headers_path_and_query) {
    net::io_context io;
    receiver r{io};
    net::co_spawn(io, answer_one(r), net::detached);
    webhook_sender sender(std::chrono::seconds(5));
    const auto result = post(io, sender, r.url("/hooks/a?kind=x&y=%20z"));
    EXPECT_TRUE(result.delivered) << result.error;
    ASSERT_TRUE(r.seen);
    EXPECT_EQ(r.seen->method(), bhttp::verb::post);
    EXPECT_EQ(r.seen->target(), "/hooks/a?kind=x&y=%20z");
    EXPECT_EQ((*r.seen)["X-Token"], "t1");
    EXPECT_EQ((*r.seen)[bhttp::field::content_type], "application/json");
    EXPECT_EQ(r.seen->body(), R"({"a":1})");
}

TEST(webhook_sender, status_below_500_is_delivered_5xx_and_no_answer_are_not) {
    webhook_sender sender(std::chrono::seconds(5));
    for (unsigned status : {204u, 404u, 499u, 500u, 503u}) {
        net::io_context io;
        receiver r{io};
        r.status = status;
        net::co_spawn(io, answer_one(r), net::detached);
        const auto result = post(io, sender, r.url("/"));
        EXPECT_EQ(result.delivered, status < 500) << status;
        if (status >= 500) {
            EXPECT_EQ(result.error, "HTTP " + std::to_string(status));
        }
    }
    net::io_context io;
    std::string closed_url;
    {
        receiver r{io};  // the port is closed again when it goes
        closed_url = r.url("/");
    }
    EXPECT_FALSE(post(io, sender, closed_url).delivered);
    EXPECT_FALSE(post(io, sender, "ftp://x/y").delivered);
}

std::filesystem::path script(const std::string& name, const std::string& body) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("marconi-notify-" + std::to_string(::getpid()) + "-" + name);
    std::ofstream(path) << "#!/bin/sh\n" << body;
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
    return path;
}

attempt_result mail(mail_sender& sender, std::string text) {
    net::io_context io;
    auto result = net::co_spawn(io, sender.send(std::move(text)), net::use_future);
    io.run();
    return result.get();
}

TEST(mail_sender, pipes_the_mail_to_the_command_with_its_arguments) {
    const auto out = std::filesystem::temp_directory_path() /
                     ("marconi-notify-" + std::to_string(::getpid()) + ".mail");
    const auto sendmail =
        script("sendmail", "echo \"$@\" > " + out.string() + "\ncat >> " + out.string() + "\n");
    mail_sender sender(sendmail.string() + " -t -oi", std::chrono::seconds(5), 1);
    const auto result = mail(sender, "To: a@b\n\nhello\n");
    EXPECT_TRUE(result.delivered) << result.error;
    std::ifstream in(out);
    const std::string written{std::istreambuf_iterator<char>(in), {}};
    EXPECT_EQ(written, "-t -oi\nTo: a@b\n\nhello\n");
    std::filesystem::remove(out);
    std::filesystem::remove(sendmail);
}

TEST(mail_sender, failures_are_exit_status_missing_command_and_timeout) {
    const auto failing = script("fail", "cat > /dev/null\nexit 3\n");
    mail_sender fails(failing.string(), std::chrono::seconds(5), 1);
    EXPECT_EQ(mail(fails, "x").error, failing.string() + " exited with 3");

    mail_sender missing("/nonexistent/sendmail -t", std::chrono::seconds(5), 1);
    EXPECT_FALSE(mail(missing, "x").delivered);

    // Exits at once without reading: a large mail meets a closed pipe, not a dead server.
    const auto early = script("early", "exit 0\n");
    mail_sender leaves(early.string(), std::chrono::seconds(5), 1);
    EXPECT_FALSE(mail(leaves, std::string(1 << 20, 'x')).delivered);

    const auto slow = script("slow", "sleep 10\n");
    mail_sender stuck(slow.string(), std::chrono::milliseconds(300), 1);
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(mail(stuck, "x").error, slow.string() + " did not finish in time");
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
    for (const auto& p : {failing, early, slow}) std::filesystem::remove(p);
}

}  // namespace
}  // namespace marconi::notify
