// Marconi. One libpq connection in non-blocking pipeline mode, driven by an Asio io_context.
#pragma once

#include "storage/postgres/result.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace marconi::storage::postgres {

namespace net = boost::asio;

struct connection_options {
    std::string conninfo;
    std::string redacted;  ///< conninfo without its password, for logs
    /// A pipeline without an answer for this long drops the connection: every caller sees the
    /// failure instead of waiting on a hung server forever.
    std::chrono::milliseconds command_timeout{10000};
    /// After a failed connect, calls fail at once for this long, doubling up to the max: a
    /// database that is down is not hammered and callers are not kept waiting.
    std::chrono::milliseconds min_backoff{100};
    std::chrono::milliseconds max_backoff{5000};
};

/// Each run() is one pipeline segment: its statements are sent at once, followed by a Sync,
/// and their results come back in order; segments of many callers share the connection and
/// its round trips. Connects lazily (PQconnectStart, so multi-host URIs with
/// target_session_attrs find the primary without blocking) and again on the next run() after
/// a failure. Not thread-safe: every call must come from the io_context's one thread.
class connection : public std::enable_shared_from_this<connection> {
public:
    /// One result per statement, or nullopt when the connection failed before they all came
    /// (they may or may not have run).
    using handler = std::function<void(std::optional<std::vector<result>>)>;

    connection(net::io_context& io, connection_options options);
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    void run(std::vector<statement> statements, handler done);
    /// Fails every pending segment and disconnects.
    void close();
    /// Segments sent or waiting to be sent.
    std::size_t load() const { return unsent_.size() + sent_.size(); }

private:
    struct segment {
        std::vector<statement> statements;
        std::vector<result> results;
        handler done;
    };
    enum class state { idle, connecting, ready };

    void start_connect();
    void continue_connect();
    void on_connected();
    void attach_socket();
    void detach_socket();
    /// Arms one wait of that kind (read or write) on the socket, unless one is armed.
    void wait(net::posix::descriptor_base::wait_type type);
    void on_readable();
    void send_unsent();
    void flush();
    void drain_results();
    void fail(const std::string& why);
    void arm_watchdog();

    net::io_context& io_;
    connection_options options_;
    PGconn* conn_ = nullptr;
    state state_ = state::idle;
    std::unique_ptr<net::posix::stream_descriptor> socket_;
    /// Bumped on every disconnect: a wait that completes for an older socket does nothing.
    std::uint64_t generation_ = 0;
    bool reading_ = false;
    bool writing_ = false;
    bool connect_wants_write_ = false;

    std::deque<segment> unsent_;
    std::deque<segment> sent_;

    net::steady_timer watchdog_;
    bool watchdog_armed_ = false;
    std::uint64_t completed_ = 0;
    std::uint64_t completed_at_last_check_ = 0;

    std::chrono::steady_clock::time_point retry_after_{};
    std::chrono::milliseconds backoff_;
};

}  // namespace marconi::storage::postgres
