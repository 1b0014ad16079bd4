// Marconi. hiredis async attached to Asio: hiredis owns the socket and the protocol, Asio tells
// it when the socket is ready (the ev.addRead/addWrite hooks every hiredis adapter implements).
#include "storage/redis/connection.hpp"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

namespace marconi::storage::redis {

using std::chrono::steady_clock;
using namespace std::chrono_literals;

/// The socket of one hiredis context. Outlives the context when a wait is still pending: the
/// waits hold it, and `alive` tells them the context has gone (hiredis closes the fd itself).
struct connection::socket_state : std::enable_shared_from_this<socket_state> {
    socket_state(net::io_context& io, redisAsyncContext* context)
        : socket(io, context->c.fd), ctx(context) {}

    net::posix::stream_descriptor socket;
    redisAsyncContext* ctx;
    bool alive = true;
    bool want_read = false;
    bool want_write = false;
    bool read_armed = false;
    bool write_armed = false;

    void arm_read() {
        if (!alive || !want_read || read_armed) return;
        read_armed = true;
        socket.async_wait(net::posix::descriptor_base::wait_read,
                          [self = shared_from_this()](boost::system::error_code ec) {
                              self->read_armed = false;
                              if (ec || !self->alive || !self->want_read) return;
                              redisAsyncHandleRead(self->ctx);  // may free the context
                              self->arm_read();
                          });
    }

    void arm_write() {
        if (!alive || !want_write || write_armed) return;
        write_armed = true;
        socket.async_wait(net::posix::descriptor_base::wait_write,
                          [self = shared_from_this()](boost::system::error_code ec) {
                              self->write_armed = false;
                              if (ec || !self->alive || !self->want_write) return;
                              redisAsyncHandleWrite(self->ctx);  // may free the context
                              self->arm_write();
                          });
    }

    static socket_state& of(void* data) { return *static_cast<socket_state*>(data); }
    static void add_read(void* data) {
        of(data).want_read = true;
        of(data).arm_read();
    }
    static void del_read(void* data) { of(data).want_read = false; }
    static void add_write(void* data) {
        of(data).want_write = true;
        of(data).arm_write();
    }
    static void del_write(void* data) { of(data).want_write = false; }
    static void cleanup(void* data) {
        auto& self = of(data);
        self.alive = false;
        self.want_read = self.want_write = false;
        self.ctx = nullptr;
        boost::system::error_code ignored;
        self.socket.cancel(ignored);
        self.socket.release();  // hiredis closes the fd
    }
};

connection::connection(net::io_context& io, endpoint where, connection_options options)
    : io_(io),
      where_(std::move(where)),
      options_(std::move(options)),
      watchdog_(io),
      backoff_(options_.min_backoff) {}

connection::~connection() { close(); }

void connection::close() {
    watchdog_.cancel();
    if (!ctx_) return;
    auto* ctx = ctx_;
    ctx_ = nullptr;
    connected_ = false;
    redisAsyncFree(ctx);  // fails every pending command
    socket_.reset();
}

bool connection::connect() {
    const auto now = steady_clock::now();
    if (now < retry_after_) return false;
    redisAsyncContext* ctx = redisAsyncConnect(where_.host.c_str(), where_.port);
    if (ctx == nullptr || ctx->err) {
        spdlog::warn("redis: cannot connect to {}: {}", where_.to_string(),
                     ctx ? ctx->errstr : "out of memory");
        if (ctx) redisAsyncFree(ctx);
        note_failure();
        return false;
    }
    ctx_ = ctx;
    ctx_->data = this;
    socket_ = std::make_shared<socket_state>(io_, ctx_);
    ctx_->ev.data = socket_.get();
    ctx_->ev.addRead = &socket_state::add_read;
    ctx_->ev.delRead = &socket_state::del_read;
    ctx_->ev.addWrite = &socket_state::add_write;
    ctx_->ev.delWrite = &socket_state::del_write;
    ctx_->ev.cleanup = &socket_state::cleanup;
    redisAsyncSetConnectCallback(ctx_, &connection::connect_callback);
    redisAsyncSetDisconnectCallback(ctx_, &connection::disconnect_callback);
    connected_ = false;
    connect_started_ = now;
    arm_watchdog();

    // Queued ahead of any other command on the new connection, so they run first.
    auto refuse_on_error = [where = where_.to_string()](std::optional<reply> r) {
        if (r && r->is_error()) spdlog::error("redis: {} refused the login: {}", where, r->text);
    };
    if (!options_.password.empty()) {
        std::vector<std::string> auth_args{"AUTH", options_.password};
        send(auth_args, refuse_on_error);
    }
    if (options_.database != 0) {
        std::vector<std::string> select_args{"SELECT", std::to_string(options_.database)};
        send(select_args, refuse_on_error);
    }
    return true;
}

void connection::note_failure() {
    retry_after_ = steady_clock::now() + backoff_;
    backoff_ = std::min(backoff_ * 2, options_.max_backoff);
}

void connection::on_connected(int status) {
    if (status == REDIS_OK) {
        connected_ = true;
        backoff_ = options_.min_backoff;
        spdlog::info("redis: connected to {}", where_.to_string());
        return;
    }
    // hiredis frees the context after this callback and fails its pending commands.
    spdlog::warn("redis: cannot connect to {}: {}", where_.to_string(),
                 ctx_ && ctx_->errstr ? ctx_->errstr : "connect failed");
    ctx_ = nullptr;
    socket_.reset();
    connected_ = false;
    note_failure();
}

void connection::on_disconnected(int status) {
    if (status != REDIS_OK) {
        spdlog::warn("redis: lost the connection to {}: {}", where_.to_string(),
                     ctx_ && ctx_->errstr ? ctx_->errstr : "disconnected");
        note_failure();
    }
    ctx_ = nullptr;
    socket_.reset();
    connected_ = false;
}

void connection::connect_callback(const redisAsyncContext* ctx, int status) {
    auto* self = static_cast<connection*>(ctx->data);
    if (self && self->ctx_ == ctx) self->on_connected(status);
}

void connection::disconnect_callback(const redisAsyncContext* ctx, int status) {
    auto* self = static_cast<connection*>(ctx->data);
    if (self && self->ctx_ == ctx) self->on_disconnected(status);
}

void connection::reply_callback(redisAsyncContext* ctx, void* raw, void* privdata) {
    std::unique_ptr<handler> done{static_cast<handler*>(privdata)};
    if (auto* self = static_cast<connection*>(ctx->data)) {
        --self->pending_;
        ++self->replies_seen_;
    }
    if (raw == nullptr) {
        (*done)(std::nullopt);
    } else {
        (*done)(reply::from(*static_cast<redisReply*>(raw)));
    }
}

void connection::send(const std::vector<std::string>& args, handler done) {
    if (!ctx_ && !connect()) {
        done(std::nullopt);
        return;
    }
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (const auto& a : args) {
        argv.push_back(a.data());
        lengths.push_back(a.size());
    }
    auto owned = std::make_unique<handler>(std::move(done));
    if (redisAsyncCommandArgv(ctx_, &connection::reply_callback, owned.get(),
                              static_cast<int>(argv.size()), argv.data(),
                              lengths.data()) != REDIS_OK) {
        (*owned)(std::nullopt);
        return;
    }
    owned.release();  // reply_callback owns it now
    if (pending_++ == 0) last_progress_ = steady_clock::now();
    arm_watchdog();
}

void connection::arm_watchdog() {
    if (watchdog_armed_) return;
    watchdog_armed_ = true;
    watchdog_.expires_after(250ms);
    watchdog_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
        auto self = weak.lock();
        if (!self) return;
        self->watchdog_armed_ = false;
        if (!ec) self->check_progress();
    });
}

void connection::check_progress() {
    if (!ctx_) return;
    const auto now = steady_clock::now();
    if (!connected_ && now - connect_started_ > options_.connect_timeout) {
        spdlog::warn("redis: connecting to {} timed out", where_.to_string());
        note_failure();
        close();
        return;
    }
    if (pending_ > 0) {
        if (replies_seen_ != replies_at_last_check_) {
            replies_at_last_check_ = replies_seen_;
            last_progress_ = now;
        } else if (now - last_progress_ > options_.command_timeout) {
            spdlog::warn("redis: {} has not answered for {} ms; reconnecting", where_.to_string(),
                         options_.command_timeout.count());
            note_failure();
            close();
            return;
        }
    }
    if (pending_ > 0 || !connected_) arm_watchdog();
}

}  // namespace marconi::storage::redis
