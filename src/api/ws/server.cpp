// Marconi.
#include "api/ws/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json.hpp>
#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <variant>
#include <vector>

#include "api/codec/json_reader.hpp"
#include "api/ws/action_table.hpp"
#include "api/ws/msgpack.hpp"
#include "api/ws/notification_endpoint.hpp"

namespace marconi::api::ws {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
constexpr std::chrono::seconds handshake_timeout{10};
/// How long a closing socket waits for its last write before the connection is cut.
constexpr std::chrono::seconds last_write_timeout{5};
/// Frames waiting to be sent to one socket. A client that reads none of its notifications
/// is cut off here rather than holding memory without end.
constexpr std::size_t max_queued_frames = 1024;

/// One open socket, as the registry sees it. Everything but `id` and `executor` belongs to
/// the socket's executor.
struct peer : std::enable_shared_from_this<peer> {
    peer(net::any_io_executor executor, std::string id)
        : executor(std::move(executor)), id(std::move(id)) {}
    virtual ~peer() = default;
    /// Queues a frame; frames go out in the order queued.
    virtual void send(std::string data, bool binary) = 0;
    /// Queues a close frame (1001) after what is already queued.
    virtual void go_away() = 0;
    /// Closes the socket with 4003 once `left` has passed, as Zaqar does when the token it
    /// authenticated with expires; replaces an earlier deadline. nullopt: no deadline.
    virtual void expire_in(std::optional<std::chrono::milliseconds> left) = 0;

    const net::any_io_executor executor;
    const std::string id;
    /// Notifications go out as MessagePack: the last websocket subscription came in binary.
    bool notify_in_binary = false;
};

/// A subscription made with the socket as subscriber; deleted when the socket closes.
struct socket_subscription {
    json::object headers;
    std::string queue;
    std::string id;
};

}  // namespace

struct server::state {
    state(net::io_context& io, const dispatcher& actions, server_options options)
        : io(io), actions(actions), options(std::move(options)), key(notification_key::random()) {}

    net::io_context& io;
    const dispatcher& actions;
    const server_options options;
    const notification_key key;  ///< tags the subscriber URL of each socket
    std::unique_ptr<notification_endpoint> notifications;
    std::string notification_url;  ///< set by start(), then read-only

    /// Where a notification for socket `id` is posted: the endpoint, the id and its tag.
    std::string subscriber_url(const std::string& id) const {
        return notification_url + id + "/" + key.tag_of(id);
    }

    std::mutex mutex;
    std::unordered_map<std::string, std::shared_ptr<peer>> peers;  // guarded by mutex
    bool closing = false;                                          // guarded by mutex

    bool add(const std::shared_ptr<peer>& p) {
        std::lock_guard lock{mutex};
        if (closing) return false;
        peers.emplace(p->id, p);
        return true;
    }
    void remove(const std::string& id) {
        std::lock_guard lock{mutex};
        peers.erase(id);
    }
    std::shared_ptr<peer> find(const std::string& id) {
        std::lock_guard lock{mutex};
        const auto it = peers.find(id);
        return it == peers.end() ? nullptr : it->second;
    }
};

namespace {

using state_ptr = std::shared_ptr<server::state>;

template <class Stream>
struct connection final : peer {
    connection(Stream& stream, std::string id)
        : peer(stream.get_executor(), std::move(id)),
          ws(stream),
          writer_done(executor),
          auth_expiry(executor) {}

    void send(std::string data, bool binary) override {
        if (ended) return;
        if (queue.size() >= max_queued_frames) {
            spdlog::warn("websocket {}: {} frames unread, closing the connection", id,
                         queue.size());
            queue.clear();
            beast::get_lowest_layer(ws).close();
            return;
        }
        queue.push_back(outgoing{std::move(data), binary, std::nullopt});
        start_writer();
    }
    void go_away() override {
        close_with({websocket::close_code::going_away, "Server shutting down."});
    }
    void expire_in(std::optional<std::chrono::milliseconds> left) override {
        const auto generation = ++auth_generation;
        auth_expiry.cancel();
        if (!left || ended) return;
        auth_expiry.expires_after(*left);
        auto self = std::static_pointer_cast<connection>(shared_from_this());
        auth_expiry.async_wait([self, generation](boost::system::error_code ec) {
            // A wait that fired just before a new authenticate still completes without error.
            if (ec || generation != self->auth_generation) return;
            self->close_with({static_cast<websocket::close_code>(4003), "Authentication expired."});
        });
    }
    void close_with(websocket::close_reason reason) {
        // One close frame per socket: Beast forbids a second async_close (shutdown's 1001
        // after an expiry's 4003), asserting it in debug builds.
        if (ended || closing) return;
        closing = true;
        queue.push_back(outgoing{{}, false, std::move(reason)});
        start_writer();
    }
    void start_writer();

    struct outgoing {
        std::string data;
        bool binary;
        std::optional<websocket::close_reason> close;  ///< set: a close frame, then nothing
    };

    websocket::stream<Stream&> ws;
    std::deque<outgoing> queue;
    bool writing = false;
    bool ended = false;             ///< the read loop is over: nothing more is queued
    bool closing = false;           ///< a close frame is queued or sent
    net::steady_timer writer_done;  ///< cancelled when the writer stops
    net::steady_timer auth_expiry;  ///< expire_in's deadline
    std::uint64_t auth_generation = 0;
};

template <class Stream>
net::awaitable<void> write_queued(std::shared_ptr<connection<Stream>> self) {
    while (!self->queue.empty()) {
        auto item = std::move(self->queue.front());
        self->queue.pop_front();
        if (item.close) {
            co_await self->ws.async_close(*item.close, use_tuple);
            self->queue.clear();
            break;
        }
        self->ws.binary(item.binary);
        auto [error, written] = co_await self->ws.async_write(net::buffer(item.data), use_tuple);
        if (error) {
            self->queue.clear();
            break;
        }
    }
    self->writing = false;
    self->writer_done.cancel();
}

template <class Stream>
void connection<Stream>::start_writer() {
    if (writing) return;
    writing = true;
    auto self = std::static_pointer_cast<connection>(shared_from_this());
    net::co_spawn(executor, write_queued(std::move(self)), net::detached);
}

std::string encode(const json::object& envelope, bool binary) {
    return binary ? json_to_msgpack(envelope) : json::serialize(envelope);
}

/// A frame as Zaqar reads it: MessagePack or JSON, which must be an object. Otherwise the
/// reply explains why (echoing an empty request, as Zaqar does).
std::variant<json::object, reply> decode_frame(const std::string& data, bool binary) {
    json::value payload;
    if (binary) {
        try {
            payload = msgpack_to_json(data);
        } catch (const msgpack_error& e) {
            return error_reply(400, std::string("Can't decode binary (MessagePack) request. "
                                                "ValueError: ") +
                                        e.what());
        }
    } else {
        // One level more than a request body: the frame's own object around its "body".
        auto reading = api::read_client_json(data, max_json_depth + 1);
        if (reading.problem == api::json_problem::integer_too_large) {
            return error_reply(400, api::describe(reading.problem));
        }
        if (reading.problem != api::json_problem::none) {
            return error_reply(400, "Can't decode text (JSON) request. JSONDecodeError: " +
                                        reading.error.message());
        }
        payload = std::move(reading.value);
    }
    if (!payload.is_object()) {
        return error_reply(400, "Unexpected body type. Expected dict or dict like.");
    }
    return std::move(payload.get_object());
}

struct socket_context {
    state_ptr server;
    std::shared_ptr<peer> self;
    socket_auth auth;
    std::vector<socket_subscription> subscriptions;
};

/// One frame in, one envelope out: Zaqar's MessagingProtocol.onMessage.
net::awaitable<json::object> handle_frame(socket_context& ctx, const std::string& data,
                                          bool binary) {
    auto decoded = decode_frame(data, binary);
    if (auto* refused = std::get_if<reply>(&decoded)) co_return envelope(json::object{}, *refused);
    const auto& payload = std::get<json::object>(decoded);
    if (auto invalid = check_frame(payload)) co_return envelope(payload, *invalid);
    const auto f = frame_of(payload);
    const auto& actions = ctx.server->actions;
    if (f.action == "authenticate") {
        const auto answer = co_await actions.authenticate(f, ctx.auth);
        ctx.self->expire_in(actions.time_left(ctx.auth));
        const json::object echoed{{"action", "authenticate"}};
        co_return envelope(echoed, answer);
    }
    const auto subscriber = ctx.server->subscriber_url(ctx.self->id);
    const auto answer = co_await actions.run(f, ctx.auth, subscriber);
    if (f.action == "subscription_create" && answer.status == 201 &&
        text_of(f.body, "subscriber").empty()) {
        // Like Zaqar: notifications follow the format of the last socket subscription.
        ctx.self->notify_in_binary = binary;
        const auto* id = answer.body.get_object().if_contains("subscription_id");
        if (id && id->is_string()) {
            ctx.subscriptions.push_back(socket_subscription{
                f.headers, text_of(f.body, "queue_name"), std::string(id->get_string())});
        }
    }
    co_return envelope(payload, answer);
}

/// Zaqar's Handler.clean_subscriptions: a closed socket's subscriptions go with it.
net::awaitable<void> delete_subscriptions(socket_context& ctx) {
    for (const auto& sub : ctx.subscriptions) {
        frame f;
        f.action = "subscription_delete";
        f.headers = sub.headers;
        f.body = json::object{{"queue_name", sub.queue}, {"subscription_id", sub.id}};
        const auto out = co_await ctx.server->actions.run(f, ctx.auth, {});
        if (out.status >= 300) {
            spdlog::warn("websocket {}: deleting subscription {} answered {}", ctx.self->id, sub.id,
                         out.status);
        }
    }
}

std::string new_socket_id() {
    boost::uuids::random_generator generate;
    return boost::uuids::to_string(generate());
}

template <class Stream>
net::awaitable<void> run_socket(state_ptr self, Stream& stream, beast_request upgrade) {
    // The WebSocket's own timeouts replace the HTTP ones from here on.
    beast::get_lowest_layer(stream).expires_never();
    auto conn = std::make_shared<connection<Stream>>(stream, new_socket_id());
    auto& ws = conn->ws;
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = handshake_timeout;
    timeouts.idle_timeout = self->options.idle_timeout;
    timeouts.keep_alive_pings = true;
    ws.set_option(timeouts);
    ws.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(beast::http::field::server, "marconi"); }));
    ws.read_message_max(self->options.frame_limit);
    auto [accept_error] = co_await ws.async_accept(upgrade, use_tuple);
    if (accept_error) co_return;

    socket_context ctx{self, conn, self->actions.new_socket(), {}};
    if (!self->add(conn)) conn->go_away();  // shutdown has begun
    spdlog::debug("websocket {} open", conn->id);
    beast::flat_buffer buffer;
    for (;;) {
        buffer.clear();
        auto [read_error, n] = co_await ws.async_read(buffer, use_tuple);
        if (read_error) {
            spdlog::debug("websocket {} closed: {}", conn->id, read_error.message());
            break;
        }
        const bool binary = ws.got_binary();
        const auto data = beast::buffers_to_string(buffer.data());
        const auto answer = co_await handle_frame(ctx, data, binary);
        conn->send(encode(answer, binary), binary);
    }
    self->remove(conn->id);
    conn->ended = true;
    conn->auth_expiry.cancel();  // its wait holds the connection
    // The writer holds the stream: wait for it, and cut the connection if it hangs.
    if (conn->writing) {
        conn->writer_done.expires_after(last_write_timeout);
        co_await conn->writer_done.async_wait(use_tuple);
    }
    if (conn->writing) {
        beast::get_lowest_layer(stream).close();
        while (conn->writing) {
            conn->writer_done.expires_after(std::chrono::milliseconds{100});
            co_await conn->writer_done.async_wait(use_tuple);
        }
    }
    co_await delete_subscriptions(ctx);
}

/// The notification endpoint's delivery: JSON as posted, or MessagePack for a socket whose
/// subscription came in binary.
void deliver(const state_ptr& self, std::string id, std::string body) {
    auto target = self->find(id);
    if (!target) return;
    net::post(target->executor, [target, body = std::move(body)]() mutable {
        if (target->notify_in_binary) {
            boost::system::error_code ec;
            const auto parsed = parse_own_json(body, ec);
            if (!ec) {
                target->send(json_to_msgpack(parsed), true);
                return;
            }
        }
        target->send(std::move(body), false);
    });
}

}  // namespace

server::server(net::io_context& io, const dispatcher& actions, server_options options)
    : state_(std::make_shared<state>(io, actions, std::move(options))) {}

server::~server() {
    if (state_->notifications) state_->notifications->stop();
}

void server::start() {
    std::weak_ptr<state> weak = state_;
    state_->notifications = std::make_unique<notification_endpoint>(
        state_->io, state_->options.notification_bind, state_->options.notification_port,
        state_->options.frame_limit, state_->key, [weak](std::string id, std::string body) {
            if (auto self = weak.lock()) deliver(self, std::move(id), std::move(body));
        });
    state_->notifications->start();
    const auto endpoint = state_->notifications->local_endpoint();
    auto host = endpoint.address().to_string();
    if (endpoint.address().is_v6()) host = "[" + host + "]";
    state_->notification_url = "http://" + host + ":" + std::to_string(endpoint.port()) + "/";
}

std::string server::notification_url() const { return state_->notification_url; }

void server::shutdown() {
    std::vector<std::shared_ptr<peer>> open;
    {
        std::lock_guard lock{state_->mutex};
        state_->closing = true;
        for (const auto& [id, p] : state_->peers) open.push_back(p);
    }
    for (auto& p : open) {
        auto executor = p->executor;
        net::post(executor, [p = std::move(p)] { p->go_away(); });
    }
    if (state_->notifications) state_->notifications->stop();
}

net::awaitable<void> server::serve(beast::tcp_stream& stream, beast_request upgrade) {
    return run_socket(state_, stream, std::move(upgrade));
}

net::awaitable<void> server::serve(tls_stream& stream, beast_request upgrade) {
    return run_socket(state_, stream, std::move(upgrade));
}

}  // namespace marconi::api::ws
