// Marconi.
#include "api/ws/notification_endpoint.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <optional>
#include <string_view>

namespace marconi::api::ws {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
/// One request per connection: the notifier gets this long to send it and read the answer.
constexpr std::chrono::seconds request_timeout{10};

}  // namespace

struct notification_endpoint::state {
    state(net::io_context& io, std::string bind, std::uint16_t port, std::size_t body_limit,
          notification_key key, deliver_fn deliver)
        : io(io),
          bind(std::move(bind)),
          port(port),
          body_limit(body_limit),
          key(std::move(key)),
          deliver(std::move(deliver)),
          acceptor(net::make_strand(io)) {}

    net::io_context& io;
    const std::string bind;
    const std::uint16_t port;
    const std::size_t body_limit;
    const notification_key key;
    const deliver_fn deliver;
    tcp::acceptor acceptor;
};

namespace {

using state_ptr = std::shared_ptr<notification_endpoint::state>;

/// The socket id of a `/<socket id>/<tag>` target whose tag is right; nullopt otherwise.
std::optional<std::string_view> tagged_socket_id(const notification_key& key,
                                                 std::string_view target) {
    if (!target.starts_with('/')) return std::nullopt;
    target.remove_prefix(1);
    const auto slash = target.find('/');
    if (slash == 0 || slash == std::string_view::npos) return std::nullopt;
    const auto id = target.substr(0, slash);
    if (!key.verify(id, target.substr(slash + 1))) return std::nullopt;
    return id;
}

http::status answer_for(const notification_endpoint::state& self,
                        http::request_parser<http::string_body>& parser) {
    auto& req = parser.get();
    if (req.method() != http::verb::post) return http::status::method_not_allowed;
    // Zaqar reads exactly Content-Length bytes; without one it cannot tell where the body ends.
    if (!parser.content_length()) return http::status::bad_request;
    // A forged or guessed URL is answered as if no such endpoint existed.
    const auto id = tagged_socket_id(self.key, req.target());
    if (!id) return http::status::not_found;
    self.deliver(std::string(*id), std::move(req.body()));
    return http::status::ok;
}

net::awaitable<void> serve_one(state_ptr self, beast::tcp_stream stream) {
    stream.expires_after(request_timeout);
    beast::flat_buffer buffer;
    http::request_parser<http::string_body> parser;
    parser.body_limit(self->body_limit);
    auto [read_error, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
    http::status status = http::status::bad_request;
    if (read_error == http::error::body_limit) {
        status = http::status::payload_too_large;
    } else if (read_error) {
        co_return;
    } else {
        status = answer_for(*self, parser);
    }
    http::response<http::empty_body> out{status, 11};
    out.keep_alive(false);
    out.prepare_payload();
    co_await http::async_write(stream, out, use_tuple);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

net::awaitable<void> accept_loop(state_ptr self) {
    for (;;) {
        auto [ec, socket] =
            co_await self->acceptor.async_accept(net::make_strand(self->io), use_tuple);
        if (ec == net::error::operation_aborted || !self->acceptor.is_open()) co_return;
        if (ec) {
            spdlog::warn("notification endpoint: accept failed: {}", ec.message());
            continue;
        }
        auto executor = socket.get_executor();
        net::co_spawn(executor, serve_one(self, beast::tcp_stream(std::move(socket))),
                      net::detached);
    }
}

}  // namespace

notification_endpoint::notification_endpoint(net::io_context& io, std::string bind,
                                             std::uint16_t port, std::size_t body_limit,
                                             notification_key key, deliver_fn deliver)
    : state_(std::make_shared<state>(io, std::move(bind), port, body_limit, std::move(key),
                                     std::move(deliver))) {}

notification_endpoint::~notification_endpoint() { stop(); }

void notification_endpoint::start() {
    const tcp::endpoint endpoint{net::ip::make_address(state_->bind), state_->port};
    auto& acceptor = state_->acceptor;
    acceptor.open(endpoint.protocol());
    acceptor.set_option(net::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(net::socket_base::max_listen_connections);
    net::co_spawn(acceptor.get_executor(), accept_loop(state_), net::detached);
}

void notification_endpoint::stop() {
    net::post(state_->acceptor.get_executor(), [self = state_] {
        beast::error_code ignored;
        self->acceptor.close(ignored);
    });
}

net::ip::tcp::endpoint notification_endpoint::local_endpoint() const {
    return state_->acceptor.local_endpoint();
}

}  // namespace marconi::api::ws
