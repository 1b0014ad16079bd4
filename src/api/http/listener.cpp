// Marconi.
#include "api/http/listener.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <mutex>
#include <unordered_set>
#include <vector>

#include "api/codec/error_mapping.hpp"
#include "api/http/beast_adapter.hpp"
#include "api/http/request_reader.hpp"
#include "storage/contract/error.hpp"

namespace marconi::api {

namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

namespace {

// Every awaited operation returns (error_code, ...) instead of throwing.
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

/// Every 503 (overload, a full write queue, storage trouble) tells the client when to retry.
/// Applied to every response the session writes, whoever built it.
void add_retry_after(http::response<http::string_body>& out) {
    if (out.result() == http::status::service_unavailable &&
        out.find(http::field::retry_after) == out.end()) {
        out.set(http::field::retry_after, "1");
    }
}

/// The answer to a request that could not be read or framed, or to a connection over the
/// limit; the connection closes after it.
http::response<http::string_body> reject(response answer) {
    auto out = to_beast(std::move(answer), 11, /*keep_alive=*/false, /*head=*/false);
    add_retry_after(out);
    return out;
}

/// RFC 6455 section 4.2.1: a GET asking to switch this connection to WebSocket.
bool is_websocket_upgrade(const beast_request& req) {
    return req.version() == 11 && req.method() == http::verb::get &&
           http::token_list{req[http::field::connection]}.exists("upgrade") &&
           beast::iequals(req[http::field::upgrade], "websocket");
}

/// Waiting for a request's first byte reads at most this much at once.
constexpr std::size_t first_read_size = 8192;
/// Over-limit connections being answered at once; beyond it they are closed unanswered, so a
/// connection flood cannot pile up refusals.
constexpr std::size_t max_refusing = 256;
/// How long a refused connection (over the limit, or a request that cannot be framed) gets to
/// read its answer before the socket closes.
constexpr std::chrono::seconds refuse_timeout{1};
/// After the grace period and closing the sessions left, how long to let them unwind.
constexpr std::chrono::milliseconds unwind_time{200};
/// Pause after a failed accept (e.g. out of file descriptors) instead of spinning.
constexpr std::chrono::milliseconds accept_backoff{50};
/// How long a closing TLS connection waits for the client's close_notify.
constexpr std::chrono::seconds tls_shutdown_timeout{1};

/// One connection, as the registry of open sessions sees it. `idle` belongs to the session's
/// `executor` (its io thread), which any thread may read; cancel() and close() run there.
/// (Virtual calls happen only on shutdown, never per request.)
struct session {
    explicit session(net::any_io_executor executor) : executor(std::move(executor)) {}
    virtual ~session() = default;
    /// Cancels the pending read or write; the session loop then ends.
    virtual void cancel() = 0;
    /// Closes the socket under the session.
    virtual void close() = 0;

    const net::any_io_executor executor;
    bool idle = false;  ///< waiting for the first byte of a request: safe to close on shutdown
};

/// A connection over `Stream`: beast::tcp_stream, or tls_stream (TLS over it).
template <class Stream>
struct stream_session final : session {
    explicit stream_session(tcp::socket socket)
        : session(socket.get_executor()), stream(std::move(socket)) {}
    stream_session(tcp::socket socket, ssl::context& tls)
        : session(socket.get_executor()), stream(beast::tcp_stream(std::move(socket)), tls) {}
    void cancel() override { beast::get_lowest_layer(stream).cancel(); }
    void close() override { beast::get_lowest_layer(stream).close(); }

    Stream stream;
};

/// Counts a request as in flight for as long as it lives.
class inflight_slot {
public:
    inflight_slot(std::atomic<std::size_t>& count, std::size_t limit)
        : count_(count), admitted_(count.fetch_add(1, std::memory_order_relaxed) < limit) {}
    ~inflight_slot() { count_.fetch_sub(1, std::memory_order_relaxed); }
    inflight_slot(const inflight_slot&) = delete;
    inflight_slot& operator=(const inflight_slot&) = delete;
    bool admitted() const noexcept { return admitted_; }

private:
    std::atomic<std::size_t>& count_;
    bool admitted_;
};

}  // namespace

struct listener::state {
    state(io_pool& pool, const api::router& router, listener_options options)
        : pool(pool),
          router(router),
          options(std::move(options)),
          strand(net::make_strand(pool.main())),
          acceptor(strand),
          drain_timer(strand) {}

    io_pool& pool;
    const api::router& router;
    const listener_options options;
    const net::strand<net::io_context::executor_type> strand;  ///< accept loop and drain
    tcp::acceptor acceptor;                                    // on strand
    net::steady_timer drain_timer;  // on strand: cancelled when the last session ends

    std::atomic<bool> draining{false};        ///< set once, by shutdown()
    std::atomic<std::size_t> connections{0};  ///< sessions alive
    std::atomic<std::size_t> inflight{0};     ///< requests admitted and not yet answered
    std::atomic<std::size_t> refusing{0};     ///< over-limit connections being answered

    std::mutex sessions_mutex;
    std::unordered_set<std::shared_ptr<session>> sessions;  // guarded by sessions_mutex

    /// Set by start() when TLS is configured, before the accept loop runs; then read-only.
    std::unique_ptr<ssl::context> tls;
};

namespace {

using state_ptr = std::shared_ptr<listener::state>;

void log_exception(std::exception_ptr e, std::string_view what) {
    if (!e) return;
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        spdlog::error("{} ended by an exception: {}", what, ex.what());
    }
}

/// True if the client has sent bytes not yet read.
bool request_waiting(beast::tcp_stream& stream) {
    beast::error_code ec;
    const auto available = stream.socket().available(ec);
    return !ec && available > 0;
}

/// A TLS read cancelled part-way cannot be resumed: the connection just closes.
bool request_waiting(tls_stream&) { return false; }

/// Writes what the socket takes right now without waiting: most responses fit its send buffer
/// whole, and then need neither a timer nor a trip through the scheduler. The session's socket
/// is non-blocking, so a full buffer is would_block, which is not an error here: the rest goes
/// out asynchronously.
beast::error_code write_now(beast::tcp_stream& stream,
                            http::response_serializer<http::string_body>& serializer) {
    beast::error_code ec;
    http::write(stream.socket(), serializer, ec);
    if (ec == net::error::would_block) return {};
    return ec;
}

/// A TLS record is written whole or not at all: TLS sessions always write asynchronously.
beast::error_code write_now(tls_stream&, http::response_serializer<http::string_body>&) {
    return {};
}

/// A lingering close (RFC 9112 section 9.6) after a connection's last answer: stop sending,
/// then read (and drop) what the client still sends until it closes, for refuse_timeout at
/// most, so that closing with its bytes unread does not reset the connection before the client
/// has read the answer.
net::awaitable<void> close_lingering(beast::tcp_stream& stream) {
    stream.expires_after(refuse_timeout);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    std::array<char, 1024> sink;
    for (;;) {
        auto [read_error, n] = co_await stream.async_read_some(net::buffer(sink), use_tuple);
        if (read_error) break;
    }
}

/// A TLS connection ends with close_notify instead (run_session's async_shutdown).
net::awaitable<void> close_lingering(tls_stream&) { co_return; }

template <class Stream>
net::awaitable<void> run_session(state_ptr self, std::shared_ptr<stream_session<Stream>> conn) {
    const auto& options = self->options;
    auto& stream = conn->stream;
    auto& transport = beast::get_lowest_layer(stream);  // the tcp_stream, with its timeouts
    if constexpr (std::is_same_v<Stream, tls_stream>) {
        // The handshake counts as the start of the first request.
        transport.expires_after(options.header_timeout);
        auto [handshake_error] =
            co_await stream.async_handshake(ssl::stream_base::server, use_tuple);
        if (handshake_error) {
            spdlog::debug("TLS handshake failed: {}", handshake_error.message());
            co_return;
        }
    }
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
        beast::error_code ignored;
        stream.socket().non_blocking(true, ignored);  // for write_now
    }
    beast::flat_buffer buffer;
    bool first = true;
    for (;;) {
        if (buffer.size() == 0) {
            // Between requests. Shutdown closes a connection in this state at once, and one
            // that sees shutdown begun here just closes. (Pipelined bytes are served first.)
            if (self->draining.load()) break;
            conn->idle = true;
            transport.expires_after(first ? options.header_timeout : options.idle_timeout);
            auto [idle_error, n] =
                co_await stream.async_read_some(buffer.prepare(first_read_size), use_tuple);
            conn->idle = false;
            if (!idle_error) {
                buffer.commit(n);
            } else if (idle_error != net::error::operation_aborted || !request_waiting(stream)) {
                break;  // closed, idle too long, or shutdown
            }
            // else: shutdown cancelled the wait as a request arrived; it gets its answer.
        }
        first = false;

        // A request usually arrives whole in one read: parsing what the buffer holds first
        // saves Beast's async read a trip through the scheduler (it posts its completion when
        // no I/O was needed) and a timer reset.
        request_reader reader{options.header_limit, options.body_limit};
        auto read_error = reader.parse_header(buffer);
        if (!read_error && !reader.header_done()) {
            // The whole header within header_timeout of its first byte, then the body within
            // body_timeout: a client dribbling bytes cannot hold the connection.
            transport.expires_after(options.header_timeout);
            auto [header_error, header_bytes] =
                co_await http::async_read_header(stream, buffer, reader.parser(), use_tuple);
            read_error = header_error;
        }
        // Nothing of a request whose framing is in doubt runs, and the connection closes after
        // the answer: bytes after a framing error could be read as a smuggled second request.
        std::optional<response> refusal;
        if (!read_error) refusal = reader.refusal();
        if (!read_error && !refusal && !reader.done()) {
            read_error = reader.parse_body(buffer);
            if (!read_error && !reader.done()) {
                transport.expires_after(options.body_timeout);
                auto [body_error, body_bytes] =
                    co_await http::async_read(stream, buffer, reader.parser(), use_tuple);
                read_error = body_error;
            }
        }
        if (read_error) refusal = reader.answer_to(read_error, unparsed_text(buffer));
        if (read_error || refusal) {
            if (refusal) {
                transport.expires_after(options.body_timeout);
                auto [write_error, written] =
                    co_await http::async_write(stream, reject(std::move(*refusal)), use_tuple);
                if (!write_error) co_await close_lingering(stream);
            }
            break;
        }

        auto beast_request = reader.release();
        if (options.websocket && is_websocket_upgrade(beast_request)) {
            // The socket is the WebSocket's from here on; it closes the connection itself.
            if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
                beast::error_code ignored;
                stream.socket().non_blocking(false, ignored);
            }
            co_await options.websocket->serve(stream, std::move(beast_request));
            co_return;
        }
        const auto version = beast_request.version();
        const bool head = beast_request.method() == http::verb::head;
        const bool client_keep_alive = beast_request.keep_alive();
        response reply;
        {
            inflight_slot slot{self->inflight, options.max_inflight_requests};
            if (!slot.admitted()) {
                reply = error_response(
                    core::error(core::errc::unavailable,
                                "The server is busy: too many requests in progress; retry later."));
            } else {
                try {
                    reply = co_await self->router.dispatch(to_request(std::move(beast_request)));
                } catch (const core::error& e) {
                    reply = error_response(e);
                }
            }
        }
        // A request answered after shutdown began is its connection's last.
        const bool keep_alive = client_keep_alive && !self->draining.load();

        auto out = to_beast(std::move(reply), version, keep_alive, head);
        add_retry_after(out);
        http::response_serializer<http::string_body> serializer{out};
        auto write_error = write_now(stream, serializer);
        if (!write_error && !serializer.is_done()) {
            transport.expires_after(options.body_timeout);
            auto [async_error, written] = co_await http::async_write(stream, serializer, use_tuple);
            write_error = async_error;
        }
        if (write_error || !keep_alive) break;
    }
    if constexpr (std::is_same_v<Stream, tls_stream>) {
        transport.expires_after(tls_shutdown_timeout);
        co_await stream.async_shutdown(use_tuple);
    }
    beast::error_code ignored;
    transport.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

void session_ended(const state_ptr& self, const std::shared_ptr<session>& conn) {
    {
        std::lock_guard lock{self->sessions_mutex};
        self->sessions.erase(conn);
    }
    if (self->connections.fetch_sub(1) == 1 && self->draining.load()) {
        net::post(self->strand, [self] { self->drain_timer.cancel(); });
    }
}

/// Answers a connection over max_connections with 503 and closes it.
net::awaitable<void> refuse_connection(state_ptr self, beast::tcp_stream stream) {
    stream.expires_after(refuse_timeout);
    auto [write_error, written] = co_await http::async_write(
        stream,
        reject(error_response(core::error(
            core::errc::unavailable, "The server has too many open connections; retry later."))),
        use_tuple);
    if (!write_error) co_await close_lingering(stream);
    self->refusing.fetch_sub(1);
}

void refuse(const state_ptr& self, tcp::socket socket) {
    spdlog::debug("connection refused: {} connections open", self->connections.load());
    if (self->tls) return;  // a plain-text 503 means nothing to a TLS client: just close
    if (self->refusing.fetch_add(1) >= max_refusing) {
        self->refusing.fetch_sub(1);
        return;  // the socket closes unanswered
    }
    auto executor = socket.get_executor();
    net::co_spawn(executor, refuse_connection(self, beast::tcp_stream(std::move(socket))),
                  [](std::exception_ptr e) { log_exception(e, "refusal"); });
}

template <class Stream>
void start_session(const state_ptr& self, std::shared_ptr<stream_session<Stream>> conn) {
    {
        std::lock_guard lock{self->sessions_mutex};
        self->sessions.insert(conn);
    }
    net::co_spawn(conn->executor, run_session(self, conn), [self, conn](std::exception_ptr e) {
        log_exception(e, "session");
        session_ended(self, conn);
    });
}

net::awaitable<void> run_accept_loop(state_ptr self) {
    net::steady_timer backoff{self->strand};
    for (;;) {
        // The connection's context, run by one thread, serializes its handlers: no strand.
        auto [ec, socket] = co_await self->acceptor.async_accept(self->pool.next(), use_tuple);
        if (ec == net::error::operation_aborted || !self->acceptor.is_open()) co_return;
        if (ec) {
            spdlog::warn("accept failed: {}", ec.message());  // e.g. out of file descriptors
            backoff.expires_after(accept_backoff);
            co_await backoff.async_wait(use_tuple);
            continue;
        }
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        if (self->connections.load() >= self->options.max_connections) {
            refuse(self, std::move(socket));
            continue;
        }
        self->connections.fetch_add(1);
        if (self->tls) {
            start_session(
                self, std::make_shared<stream_session<tls_stream>>(std::move(socket), *self->tls));
        } else {
            start_session(self,
                          std::make_shared<stream_session<beast::tcp_stream>>(std::move(socket)));
        }
    }
}

enum class close_mode { idle, all };

/// Cancels the idle sessions' reads (they then close), or closes every session's socket.
/// Runs each close on the session's own executor.
void close_sessions(listener::state& self, close_mode mode) {
    std::vector<std::shared_ptr<session>> open;
    {
        std::lock_guard lock{self.sessions_mutex};
        open.assign(self.sessions.begin(), self.sessions.end());
    }
    for (auto& conn : open) {
        auto executor = conn->executor;
        net::post(executor, [conn = std::move(conn), mode] {
            if (mode == close_mode::all) {
                conn->close();
            } else if (conn->idle) {
                conn->cancel();
            }
        });
    }
}

/// Runs on the listener's strand. Returns the number of sessions left after the grace period.
net::awaitable<std::size_t> drain(state_ptr self, std::chrono::milliseconds grace) {
    const auto started = std::chrono::steady_clock::now();
    // Total cancellation: no more accepts, idle connections close. Sessions see `draining`
    // before they next wait for a request, so none slips back into idle unseen.
    self->draining.store(true);
    beast::error_code ignored;
    self->acceptor.close(ignored);
    close_sessions(*self, close_mode::idle);

    // The last session to end cancels the timer.
    const auto deadline = started + grace;
    while (self->connections.load() > 0 && std::chrono::steady_clock::now() < deadline) {
        self->drain_timer.expires_at(deadline);
        co_await self->drain_timer.async_wait(use_tuple);
    }
    const auto left = self->connections.load();
    if (left > 0) {
        // Terminal cancellation: whatever is still open is closed mid-request.
        spdlog::warn("shutdown: grace period over, closing {} connections", left);
        close_sessions(*self, close_mode::all);
        const auto unwind_deadline = std::chrono::steady_clock::now() + unwind_time;
        while (self->connections.load() > 0 && std::chrono::steady_clock::now() < unwind_deadline) {
            self->drain_timer.expires_at(unwind_deadline);
            co_await self->drain_timer.async_wait(use_tuple);
        }
    }
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    spdlog::info("shutdown: connections drained in {} ms ({} cut off)", elapsed.count(), left);
    co_return left;
}

/// A TLS server context from PEM files, TLS 1.2 or later. Throws std::runtime_error naming
/// the file that is unusable.
std::unique_ptr<ssl::context> make_tls_context(const std::string& cert_file,
                                               const std::string& key_file) {
    auto tls = std::make_unique<ssl::context>(ssl::context::tls_server);
    tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                     ssl::context::single_dh_use);
    beast::error_code ec;
    tls->use_certificate_chain_file(cert_file, ec);
    if (ec) throw std::runtime_error("TLS certificate " + cert_file + ": " + ec.message());
    tls->use_private_key_file(key_file, ssl::context::pem, ec);
    if (ec) throw std::runtime_error("TLS private key " + key_file + ": " + ec.message());
    if (SSL_CTX_check_private_key(tls->native_handle()) != 1) {
        throw std::runtime_error("TLS private key " + key_file +
                                 " does not match the "
                                 "certificate " +
                                 cert_file);
    }
    return tls;
}

}  // namespace

listener::listener(io_pool& pool, const router& router, listener_options options)
    : state_(std::make_shared<state>(pool, router, std::move(options))) {}

listener::~listener() { stop(); }

void listener::start() {
    const auto& options = state_->options;
    if (!options.tls_cert_file.empty() || !options.tls_key_file.empty()) {
        state_->tls = make_tls_context(options.tls_cert_file, options.tls_key_file);
    }
    const tcp::endpoint endpoint{net::ip::make_address(state_->options.bind), state_->options.port};
    auto& acceptor = state_->acceptor;
    acceptor.open(endpoint.protocol());
    acceptor.set_option(net::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(net::socket_base::max_listen_connections);
    net::co_spawn(state_->strand, run_accept_loop(state_),
                  [](std::exception_ptr e) { log_exception(e, "accept loop"); });
}

void listener::stop() {
    net::post(state_->strand, [self = state_] {
        beast::error_code ignored;
        self->acceptor.close(ignored);
    });
}

void listener::shutdown(std::chrono::milliseconds grace, std::function<void(std::size_t)> done) {
    net::co_spawn(state_->strand, drain(state_, grace),
                  [done = std::move(done)](std::exception_ptr e, std::size_t left) {
                      log_exception(e, "shutdown");
                      done(left);
                  });
}

net::ip::tcp::endpoint listener::local_endpoint() const {
    return state_->acceptor.local_endpoint();
}

}  // namespace marconi::api
