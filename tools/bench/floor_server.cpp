// floor-server: the HTTP floor. Answers 204 to every request over keep-alive HTTP/1.1 with the
// same threading model as marconi (its io_pool: one io_context per thread, each connection
// pinned to one of them, one coroutine per connection) and the same write path, so
// `marconi-bench --pingers` against it measures what HTTP alone costs on this machine.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "api/http/io_pool.hpp"

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

net::awaitable<void> run_session(beast::tcp_stream stream) {
    beast::flat_buffer buffer;
    http::response<http::empty_body> res{http::status::no_content, 11};
    res.set(http::field::server, "floor");
    beast::error_code ignored;
    stream.socket().non_blocking(true, ignored);
    for (;;) {
        http::request_parser<http::string_body> parser;
        stream.expires_after(std::chrono::seconds(60));
        auto [read_ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
        if (read_ec) break;
        const bool keep_alive = parser.get().keep_alive();
        res.version(parser.get().version());
        res.keep_alive(keep_alive);
        // As marconi's listener does: write at once what the socket takes (all of it, for a
        // 204), and only wait asynchronously for what it does not.
        http::response_serializer<http::empty_body> serializer{res};
        beast::error_code write_ec;
        http::write(stream.socket(), serializer, write_ec);
        if (write_ec == net::error::would_block) write_ec = {};
        if (!write_ec && !serializer.is_done()) {
            auto [async_ec, w] = co_await http::async_write(stream, serializer, use_tuple);
            write_ec = async_ec;
        }
        if (write_ec || !keep_alive) break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

net::awaitable<void> run_accept_loop(marconi::api::io_pool& pool, tcp::acceptor& acceptor) {
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(pool.next(), use_tuple);
        if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
        if (ec) continue;
        socket.set_option(tcp::no_delay(true));
        auto ex = socket.get_executor();
        net::co_spawn(ex, run_session(beast::tcp_stream(std::move(socket))), net::detached);
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::string bind = "127.0.0.1";
    std::uint16_t port = 8899;
    int threads = 0;
    CLI::App cli{"floor-server: answers 204 to every HTTP request (the bench's HTTP floor)"};
    cli.add_option("--bind", bind, "Listen address (default 127.0.0.1)");
    cli.add_option("--port", port, "Listen port (default 8899; 0 picks a free port)");
    cli.add_option("--threads,--workers", threads, "IO threads (default: one per core)");
    CLI11_PARSE(cli, argc, argv);
    if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

    marconi::api::io_pool pool{static_cast<std::size_t>(threads)};
    tcp::acceptor acceptor(pool.main());
    try {
        const tcp::endpoint ep{net::ip::make_address(bind), port};
        acceptor.open(ep.protocol());
        acceptor.set_option(net::socket_base::reuse_address(true));
        acceptor.bind(ep);
        acceptor.listen(net::socket_base::max_listen_connections);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "floor-server: cannot listen on %s:%u: %s\n", bind.c_str(), port,
                     e.what());
        return 2;
    }
    const auto ep = acceptor.local_endpoint();
    std::printf("floor listening on %s:%u\n", ep.address().to_string().c_str(), ep.port());
    std::fflush(stdout);

    net::co_spawn(acceptor.get_executor(), run_accept_loop(pool, acceptor), net::detached);
    net::signal_set signals(pool.main(), SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) {
        acceptor.close();  // on the main context, like the accept loop
        pool.stop();
    });
    pool.run();
    return 0;
}
