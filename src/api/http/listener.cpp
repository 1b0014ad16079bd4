// Marconi.
#include "api/http/listener.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <spdlog/spdlog.h>

#include "api/codec/error_mapping.hpp"
#include "core/error.hpp"

namespace marconi::api {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

// Every awaited operation returns (error_code, ...) instead of throwing.
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

method to_method(http::verb verb) {
    switch (verb) {
        case http::verb::get: return method::get;
        case http::verb::head: return method::head;
        case http::verb::post: return method::post;
        case http::verb::put: return method::put;
        case http::verb::patch: return method::patch;
        case http::verb::delete_: return method::delete_;
        default: return method::other;
    }
}

/// Beast request -> api::request. Throws core::error for an unparsable target.
request to_request(http::request<http::string_body>&& in) {
    request out;
    out.method = to_method(in.method());
    // Debian's compiled Boost.URL 1.81 measures its string_view argument with strlen (seen under
    // ASan), so it must only ever see NUL-terminated text: parse an owned copy of the target.
    const std::string target_text{in.target()};
    auto target = boost::urls::parse_origin_form(target_text);
    if (!target) throw core::error(core::errc::invalid_request, "The request target is malformed.");
    out.path = std::string(target->path());
    if (target->has_query()) out.query = query_params(std::string(target->encoded_query()));
    out.headers.reserve(8);
    for (const auto& field : in) {
        out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    out.body = std::move(in.body());
    return out;
}

http::response<http::string_body> to_beast(response&& in, unsigned version, bool keep_alive,
                                           bool head) {
    http::response<http::string_body> out{static_cast<http::status>(in.status), version};
    out.set(http::field::server, "marconi");
    if (!in.content_type.empty()) out.set(http::field::content_type, in.content_type);
    for (auto& [name, value] : in.headers) out.insert(name, value);
    out.keep_alive(keep_alive);
    if (!head) out.body() = std::move(in.body);
    out.prepare_payload();
    return out;
}

/// A response for a request that could not be read completely; the connection closes after.
http::response<http::string_body> reject(unsigned status, std::string_view title,
                                         std::string_view description) {
    http::response<http::string_body> out{static_cast<http::status>(status), 11};
    out.set(http::field::server, "marconi");
    out.set(http::field::content_type, "application/json");
    out.body() = std::string("{\"title\":\"") + std::string(title) + "\",\"description\":\"" +
                 std::string(description) + "\"}";
    out.keep_alive(false);
    out.prepare_payload();
    return out;
}

net::awaitable<void> run_session(beast::tcp_stream stream, const router& router,
                                 listener_options options) {
    beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
        parser.body_limit(options.body_limit);
        stream.expires_after(options.request_timeout);

        auto [read_error, read_bytes] = co_await http::async_read(stream, buffer, parser, use_tuple);
        if (read_error == http::error::body_limit) {
            co_await http::async_write(
                stream,
                reject(400, "Invalid API request",
                       "Request body is too large: the limit is " +
                           std::to_string(options.body_limit) + " bytes."),
                use_tuple);
            break;
        }
        if (read_error == http::error::header_limit) {
            co_await http::async_write(
                stream, reject(431, "Request header fields too large", "Headers are too large."),
                use_tuple);
            break;
        }
        if (read_error) break;  // closed, timed out, or malformed: nothing useful to answer

        auto beast_request = parser.release();
        const auto version = beast_request.version();
        const bool keep_alive = beast_request.keep_alive();
        const bool head = beast_request.method() == http::verb::head;
        response reply;
        try {
            reply = co_await router.dispatch(to_request(std::move(beast_request)));
        } catch (const core::error& e) {
            reply = error_response(e);
        }

        stream.expires_after(options.request_timeout);
        auto [write_error, written] = co_await http::async_write(
            stream, to_beast(std::move(reply), version, keep_alive, head), use_tuple);
        if (write_error || !keep_alive) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace

struct listener::state {
    state(net::io_context& io, const api::router& router, listener_options options)
        : io(io), router(router), options(std::move(options)), acceptor(net::make_strand(io)) {}

    net::io_context& io;
    const api::router& router;
    listener_options options;
    tcp::acceptor acceptor;
};

namespace {

net::awaitable<void> run_accept_loop(std::shared_ptr<listener::state> self) {
    for (;;) {
        auto [ec, socket] = co_await self->acceptor.async_accept(net::make_strand(self->io), use_tuple);
        if (ec == net::error::operation_aborted || !self->acceptor.is_open()) co_return;
        if (ec) {
            spdlog::warn("accept failed: {}", ec.message());  // e.g. out of file descriptors
            continue;
        }
        socket.set_option(tcp::no_delay(true));
        auto executor = socket.get_executor();
        net::co_spawn(executor,
                      run_session(beast::tcp_stream(std::move(socket)), self->router, self->options),
                      [](std::exception_ptr e) {
                          if (!e) return;
                          try {
                              std::rethrow_exception(e);
                          } catch (const std::exception& ex) {
                              spdlog::error("session ended by an exception: {}", ex.what());
                          }
                      });
    }
}

}  // namespace

listener::listener(net::io_context& io, const router& router, listener_options options)
    : state_(std::make_shared<state>(io, router, std::move(options))) {}

listener::~listener() { stop(); }

void listener::start() {
    const tcp::endpoint endpoint{net::ip::make_address(state_->options.bind), state_->options.port};
    auto& acceptor = state_->acceptor;
    acceptor.open(endpoint.protocol());
    acceptor.set_option(net::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(net::socket_base::max_listen_connections);
    net::co_spawn(acceptor.get_executor(), run_accept_loop(state_), net::detached);
}

void listener::stop() {
    net::post(state_->acceptor.get_executor(), [self = state_] {
        beast::error_code ignored;
        self->acceptor.close(ignored);
    });
}

net::ip::tcp::endpoint listener::local_endpoint() const {
    return state_->acceptor.local_endpoint();
}

}  // namespace marconi::api
