// floor-server: the HTTP floor. Answers 204 to every request over keep-alive HTTP/1.1 with the
// same threading model as marconi (one io_context on N threads, a strand per connection,
// one coroutine per connection), so `marconi-bench --pingers` against it measures what HTTP
// alone costs on this machine.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

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
    for (;;) {
        http::request_parser<http::string_body> parser;
        stream.expires_after(std::chrono::seconds(60));
        auto [read_ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
        if (read_ec) break;
        const bool keep_alive = parser.get().keep_alive();
        res.version(parser.get().version());
        res.keep_alive(keep_alive);
        auto [write_ec, w] = co_await http::async_write(stream, res, use_tuple);
        if (write_ec || !keep_alive) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

net::awaitable<void> run_accept_loop(net::io_context& io, tcp::acceptor& acceptor) {
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(net::make_strand(io), use_tuple);
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

    net::io_context io{threads};
    tcp::acceptor acceptor(net::make_strand(io));
    try {
        const tcp::endpoint ep{net::ip::make_address(bind), port};
        acceptor.open(ep.protocol());
        acceptor.set_option(net::socket_base::reuse_address(true));
        acceptor.bind(ep);
        acceptor.listen(net::socket_base::max_listen_connections);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "floor-server: cannot listen on %s:%u: %s\n", bind.c_str(), port, e.what());
        return 2;
    }
    const auto ep = acceptor.local_endpoint();
    std::printf("floor listening on %s:%u\n", ep.address().to_string().c_str(), ep.port());
    std::fflush(stdout);

    net::co_spawn(acceptor.get_executor(), run_accept_loop(io, acceptor), net::detached);
    net::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) {
        net::post(acceptor.get_executor(), [&] { acceptor.close(); });
        io.stop();
    });
    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
    io.run();
    for (auto& t : pool) t.join();
    return 0;
}
