// Marconi. One hiredis asynchronous connection to one Redis node, driven by an Asio io_context.
#pragma once

#include "storage/redis/reply.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct redisAsyncContext;

namespace marconi::storage::redis {

namespace net = boost::asio;

struct endpoint {
    std::string host;
    int port = 6379;

    std::string to_string() const { return host + ":" + std::to_string(port); }
    friend bool operator==(const endpoint&, const endpoint&) = default;
};

struct connection_options {
    std::string password;  ///< AUTH when not empty
    int database = 0;      ///< SELECT when not 0 (standalone only)
    /// A command without an answer for this long drops the connection: every pending command
    /// fails (the caller sees unavailable) instead of waiting on a hung server forever.
    std::chrono::milliseconds command_timeout{5000};
    std::chrono::milliseconds connect_timeout{2000};
    /// After a failed connect, commands fail at once for this long, doubling up to the max:
    /// a dead node is not hammered and callers are not kept waiting.
    std::chrono::milliseconds min_backoff{100};
    std::chrono::milliseconds max_backoff{5000};
};

/// Commands are pipelined: each send() is written as soon as the socket takes it, and replies
/// complete in order. Connects lazily and reconnects (with backoff) on the next send after a
/// failure. Not thread-safe: every call must come from the io_context's one thread.
class connection : public std::enable_shared_from_this<connection> {
public:
    /// The reply, or nullopt when the connection failed before it came (the command may or may
    /// not have run).
    using handler = std::function<void(std::optional<reply>)>;

    connection(net::io_context& io, endpoint where, connection_options options);
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    void send(const std::vector<std::string>& args, handler done);
    /// Fails every pending command and disconnects.
    void close();

    const endpoint& where() const { return where_; }

private:
    struct socket_state;

    bool connect();
    void on_connected(int status);
    void on_disconnected(int status);
    void note_failure();
    void arm_watchdog();
    void check_progress();

    static void connect_callback(const redisAsyncContext* ctx, int status);
    static void disconnect_callback(const redisAsyncContext* ctx, int status);
    static void reply_callback(redisAsyncContext* ctx, void* raw, void* privdata);

    net::io_context& io_;
    endpoint where_;
    connection_options options_;
    redisAsyncContext* ctx_ = nullptr;
    std::shared_ptr<socket_state> socket_;
    bool connected_ = false;
    std::chrono::steady_clock::time_point connect_started_{};

    std::size_t pending_ = 0;
    std::uint64_t replies_seen_ = 0;
    std::uint64_t replies_at_last_check_ = 0;
    std::chrono::steady_clock::time_point last_progress_{};
    net::steady_timer watchdog_;
    bool watchdog_armed_ = false;

    std::chrono::steady_clock::time_point retry_after_{};
    std::chrono::milliseconds backoff_;
};

}  // namespace marconi::storage::redis
