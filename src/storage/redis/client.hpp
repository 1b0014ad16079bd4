// Marconi. The Redis client every driver call goes through: one io thread owns all connections
// (one per node), commands are pipelined, and in Cluster mode each goes to its slot's master.
#pragma once

#include "storage/redis/connection.hpp"
#include "storage/redis/reply.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace marconi::storage::redis {

struct command {
    std::vector<std::string> args;
    /// A key the command touches; it picks the Cluster slot. Empty: any node will do.
    std::string key;
};

struct client_options {
    /// Standalone: the server. Cluster: masters to ask for the slot map. Sentinel: sentinels.
    std::vector<endpoint> seeds;
    bool cluster = false;
    /// Sentinel mode when set: the master's name; the sentinels say where it is, and are asked
    /// again when it stops answering or turns out to be a replica (after a failover).
    std::string sentinel_master;
    connection_options connection;
};

/// Thread-safe. Each call resumes the awaiting coroutine on its own executor. Error replies come
/// back as replies (the caller decides what they mean), except Cluster redirections (MOVED, ASK,
/// TRYAGAIN) and a former master's READONLY after a Sentinel failover, which are followed here
/// (the command did not run). A lost or refused connection throws
/// core::error{unavailable}: the command may or may not have run, so it is never retried.
class client {
public:
    explicit client(client_options options);
    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    net::awaitable<reply> execute(command cmd);
    /// The same, for a caller that may need to send the command again (without copying it).
    net::awaitable<reply> execute(std::shared_ptr<const command> cmd);
    /// Sends every command at once (pipelined per node) and returns the replies in order.
    net::awaitable<std::vector<reply>> execute_all(std::vector<command> cmds);
    /// How many replicas have every write sent so far to `key`'s node (Redis WAIT), waiting up
    /// to `timeout`. Callers arriving while a WAIT is out share the next one: WAIT blocks the
    /// node's one connection, so one at a time covers everybody (group commit, for replicas).
    net::awaitable<std::int64_t> replicated(std::string key, int replicas,
                                            std::chrono::milliseconds timeout);

private:
    using done_fn = std::function<void(std::optional<reply>)>;

    // Everything below runs on io_'s thread only.
    using shared_command = std::shared_ptr<const command>;
    void route(shared_command cmd, int redirects, done_fn done);
    void send_to(const endpoint& node, shared_command cmd, bool asking, int redirects,
                 done_fn done);
    void on_reply(shared_command cmd, int redirects, done_fn done, std::optional<reply> answer);
    void retry_later(shared_command cmd, int redirects, done_fn done);
    endpoint node_for(const std::string& key) const;
    std::shared_ptr<connection> connection_to(const endpoint& node);
    void refresh_slots(std::size_t candidate = 0);
    void apply_slots(const reply& slots);
    /// Sentinel mode: asks the sentinels in turn where the master is, then sends what waited.
    void resolve_master(std::size_t candidate = 0);
    void master_lost();

    void send_wait(const std::string& node_name);

    /// Per node: the WAIT on its way, and who waits for the one after it.
    struct replication_waiters {
        std::vector<std::function<void(std::optional<std::int64_t>)>> current;
        std::vector<std::function<void(std::optional<std::int64_t>)>> next;
        endpoint node;
        int replicas = 0;
        std::chrono::milliseconds timeout{};
    };
    std::map<std::string, replication_waiters> replication_;

    struct waiting_command {
        shared_command cmd;
        int redirects;
        done_fn done;
    };

    client_options options_;
    net::io_context io_;
    net::executor_work_guard<net::io_context::executor_type> work_;
    std::map<std::string, std::shared_ptr<connection>> connections_;  // by host:port
    std::map<std::string, std::shared_ptr<connection>> sentinel_connections_;
    std::vector<endpoint> nodes_;          // masters known from CLUSTER SLOTS
    std::array<int, 16384> slot_owner_{};  // index into nodes_, -1 when unknown
    bool refreshing_ = false;
    bool closing_ = false;            // set by the destructor: no new connections, no new commands
    std::optional<endpoint> master_;  // sentinel mode: where the master is, when known
    std::vector<waiting_command> waiting_;  // sentinel mode: commands waiting for master_
    bool resolving_ = false;
    std::thread thread_;
};

}  // namespace marconi::storage::redis
