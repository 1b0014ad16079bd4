// Marconi. Redis command routing: standalone, or Redis Cluster with MOVED/ASK redirection.
#include "storage/redis/client.hpp"

#include "common/cross_thread_completion.hpp"

#include "storage/contract/error.hpp"
#include "storage/redis/hash_slot.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <charconv>
#include <stdexcept>

namespace marconi::storage::redis {

namespace {

using namespace std::chrono_literals;

/// A cluster in the middle of a resharding or failover may bounce a command a few times.
constexpr int max_redirects = 8;
constexpr auto cluster_retry_delay = 100ms;

std::exception_ptr unavailable() {
    return std::make_exception_ptr(core::error{
        core::errc::unavailable, "The message store is not available right now; try again."});
}

/// "MOVED 3999 127.0.0.1:6381" -> 127.0.0.1:6381. An empty host means "the node you asked".
std::optional<endpoint> redirect_target(std::string_view text, const endpoint& asked) {
    const auto space = text.rfind(' ');
    const auto colon = text.rfind(':');
    if (space == std::string_view::npos || colon == std::string_view::npos || colon < space) {
        return std::nullopt;
    }
    endpoint target;
    target.host = std::string{text.substr(space + 1, colon - space - 1)};
    if (target.host.empty()) target.host = asked.host;
    const auto port = text.substr(colon + 1);
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), target.port);
    if (ec != std::errc{} || end != port.data() + port.size()) return std::nullopt;
    return target;
}

}  // namespace

client::client(client_options options)
    : options_(std::move(options)), work_(net::make_work_guard(io_)) {
    if (options_.seeds.empty()) throw std::invalid_argument("redis: no server address given");
    slot_owner_.fill(-1);
    thread_ = std::thread([this] { io_.run(); });
    if (options_.cluster) net::post(io_, [this] { refresh_slots(); });
}

client::~client() {
    net::post(io_, [this] {
        // Closing fails the commands in flight, whose handlers could start new work (a slot
        // map refresh, a sentinel lookup, a retry): closing_ turns all of that away, so no
        // connection outlives this and the io thread runs out of work.
        closing_ = true;
        auto open = std::move(connections_);
        auto sentinels = std::move(sentinel_connections_);
        connections_.clear();
        sentinel_connections_.clear();
        for (auto& [name, conn] : open) conn->close();
        for (auto& [name, conn] : sentinels) conn->close();
        auto waiting = std::move(waiting_);
        waiting_.clear();
        for (auto& w : waiting) w.done(std::nullopt);
    });
    work_.reset();
    thread_.join();
}

net::awaitable<reply> client::execute(command cmd) {
    return execute(std::make_shared<const command>(std::move(cmd)));
}

net::awaitable<reply> client::execute(std::shared_ptr<const command> cmd) {
    auto initiation = [this](auto handler, shared_command shared) {
        auto call =
            std::make_shared<cross_thread_completion<decltype(handler)>>(std::move(handler));
        net::post(io_, [this, call, shared] {
            route(shared, 0, [call](std::optional<reply> answer) {
                if (answer) {
                    call->finish(nullptr, std::move(*answer));
                } else {
                    call->finish(unavailable(), reply{});
                }
            });
        });
    };
    return net::async_initiate<const net::use_awaitable_t<>&, void(std::exception_ptr, reply)>(
        initiation, net::use_awaitable, std::move(cmd));
}

net::awaitable<std::vector<reply>> client::execute_all(std::vector<command> cmds) {
    auto initiation = [this](auto handler, std::vector<command> cmds) {
        using call_type = cross_thread_completion<decltype(handler)>;
        struct batch {
            std::shared_ptr<call_type> call;
            std::vector<reply> replies;
            std::size_t remaining;
            bool failed = false;
        };
        auto state = std::make_shared<batch>();
        state->call = std::make_shared<call_type>(std::move(handler));
        state->replies.resize(cmds.size());
        state->remaining = cmds.size();
        if (cmds.empty()) {
            state->call->finish(nullptr, std::vector<reply>{});
            return;
        }
        net::post(io_, [this, state, cmds = std::move(cmds)]() mutable {
            for (std::size_t i = 0; i < cmds.size(); ++i) {
                auto shared = std::make_shared<const command>(std::move(cmds[i]));
                route(shared, 0, [state, i](std::optional<reply> answer) {
                    if (answer) {
                        state->replies[i] = std::move(*answer);
                    } else {
                        state->failed = true;
                    }
                    if (--state->remaining > 0) return;
                    if (state->failed) {
                        state->call->finish(unavailable(), std::vector<reply>{});
                    } else {
                        state->call->finish(nullptr, std::move(state->replies));
                    }
                });
            }
        });
    };
    return net::async_initiate<const net::use_awaitable_t<>&,
                               void(std::exception_ptr, std::vector<reply>)>(
        initiation, net::use_awaitable, std::move(cmds));
}

net::awaitable<std::int64_t> client::replicated(std::string key, int replicas,
                                                std::chrono::milliseconds timeout) {
    auto initiation = [this](auto handler, std::string key, int replicas,
                             std::chrono::milliseconds timeout) {
        auto call =
            std::make_shared<cross_thread_completion<decltype(handler)>>(std::move(handler));
        net::post(io_, [this, call, key = std::move(key), replicas, timeout] {
            const auto node = node_for(key);
            auto& group = replication_[node.to_string()];
            group.node = node;
            group.replicas = replicas;
            group.timeout = timeout;
            auto done = [call](std::optional<std::int64_t> acked) {
                if (acked) {
                    call->finish(nullptr, *acked);
                } else {
                    call->finish(unavailable(), std::int64_t{0});
                }
            };
            if (closing_) {
                done(std::nullopt);
            } else if (group.current.empty()) {
                group.current.push_back(std::move(done));
                send_wait(node.to_string());
            } else {
                group.next.push_back(std::move(done));
            }
        });
    };
    return net::async_initiate<const net::use_awaitable_t<>&,
                               void(std::exception_ptr, std::int64_t)>(
        initiation, net::use_awaitable, std::move(key), replicas, timeout);
}

void client::send_wait(const std::string& node_name) {
    auto& group = replication_[node_name];
    if (closing_) {
        auto finished = std::move(group.current);
        finished.insert(finished.end(), std::make_move_iterator(group.next.begin()),
                        std::make_move_iterator(group.next.end()));
        group.current.clear();
        group.next.clear();
        for (auto& done : finished) done(std::nullopt);
        return;
    }
    const std::vector<std::string> args{"WAIT", std::to_string(group.replicas),
                                        std::to_string(group.timeout.count())};
    connection_to(group.node)->send(args, [this, node_name](std::optional<reply> answer) {
        auto& g = replication_[node_name];
        std::optional<std::int64_t> acked;
        if (answer && answer->type == reply::kind::integer) acked = answer->integer;
        auto finished = std::move(g.current);
        g.current = std::move(g.next);
        g.next.clear();
        for (auto& done : finished) done(acked);
        if (!g.current.empty()) send_wait(node_name);
    });
}

void client::route(shared_command cmd, int redirects, done_fn done) {
    if (closing_) {
        done(std::nullopt);
        return;
    }
    if (!options_.sentinel_master.empty() && !master_) {
        waiting_.push_back({std::move(cmd), redirects, std::move(done)});
        resolve_master();
        return;
    }
    const auto node = node_for(cmd->key);  // before cmd moves: argument order is unspecified
    send_to(node, std::move(cmd), false, redirects, std::move(done));
}

endpoint client::node_for(const std::string& key) const {
    if (master_) return *master_;
    if (!options_.cluster) return options_.seeds.front();
    if (!key.empty()) {
        const int owner = slot_owner_[static_cast<std::size_t>(hash_slot(key))];
        if (owner >= 0) return nodes_[static_cast<std::size_t>(owner)];
    }
    return nodes_.empty() ? options_.seeds.front() : nodes_.front();
}

std::shared_ptr<connection> client::connection_to(const endpoint& node) {
    auto& conn = connections_[node.to_string()];
    if (!conn) conn = std::make_shared<connection>(io_, node, options_.connection);
    return conn;
}

void client::send_to(const endpoint& node, shared_command cmd, bool asking, int redirects,
                     done_fn done) {
    if (closing_) {
        done(std::nullopt);
        return;
    }
    auto conn = connection_to(node);
    if (asking) {
        // ASKING must reach the target right before the command: one connection keeps order.
        static const std::vector<std::string> asking_args{"ASKING"};
        conn->send(asking_args, [](std::optional<reply>) {});
    }
    const auto& args = cmd->args;
    conn->send(args, [this, cmd = std::move(cmd), redirects,
                      done = std::move(done)](std::optional<reply> answer) mutable {
        on_reply(std::move(cmd), redirects, std::move(done), std::move(answer));
    });
}

void client::on_reply(shared_command cmd, int redirects, done_fn done,
                      std::optional<reply> answer) {
    if (!answer) {
        if (options_.cluster) refresh_slots();  // a master may have failed over
        if (!options_.sentinel_master.empty()) master_lost();
        done(std::nullopt);
        return;
    }
    if (!options_.sentinel_master.empty() && answer->error_code() == "READONLY" &&
        redirects < max_redirects) {
        // The master we knew is a replica now: a failover happened. It refused the write, so
        // sending it to the new master is safe.
        master_lost();
        route(std::move(cmd), redirects + 1, std::move(done));
        return;
    }
    if (options_.cluster && answer->is_error() && redirects < max_redirects) {
        const auto code = answer->error_code();
        if (code == "MOVED" || code == "ASK") {
            const endpoint asked = node_for(cmd->key);
            if (auto target = redirect_target(answer->text, asked)) {
                if (code == "MOVED") refresh_slots();
                send_to(*target, std::move(cmd), code == "ASK", redirects + 1, std::move(done));
                return;
            }
        } else if (code == "TRYAGAIN" || code == "CLUSTERDOWN") {
            retry_later(std::move(cmd), redirects + 1, std::move(done));
            return;
        }
    }
    done(std::move(answer));
}

void client::retry_later(shared_command cmd, int redirects, done_fn done) {
    auto timer = std::make_shared<net::steady_timer>(io_, cluster_retry_delay);
    timer->async_wait([this, timer, cmd = std::move(cmd), redirects,
                       done = std::move(done)](boost::system::error_code) mutable {
        route(std::move(cmd), redirects, std::move(done));
    });
}

void client::master_lost() {
    if (master_) spdlog::warn("redis: master {} lost; asking the sentinels", master_->to_string());
    master_.reset();
}

void client::resolve_master(std::size_t candidate) {
    if (closing_) return;
    if (candidate == 0) {
        if (resolving_) return;
        resolving_ = true;
    }
    if (candidate >= options_.seeds.size()) {
        spdlog::warn("redis: no sentinel knows master '{}'", options_.sentinel_master);
        resolving_ = false;
        auto failed = std::move(waiting_);
        waiting_.clear();
        for (auto& w : failed) w.done(std::nullopt);
        return;
    }
    // Sentinels take neither the master's password nor a database number.
    const auto& sentinel = options_.seeds[candidate];
    auto& conn = sentinel_connections_[sentinel.to_string()];
    if (!conn) conn = std::make_shared<connection>(io_, sentinel, connection_options{});
    const std::vector<std::string> ask{"SENTINEL", "get-master-addr-by-name",
                                       options_.sentinel_master};
    conn->send(ask, [this, candidate](std::optional<reply> r) {
        endpoint found;
        const bool known =
            r && r->type == reply::kind::array && r->elements.size() == 2 &&
            std::from_chars(r->elements[1].text.data(),
                            r->elements[1].text.data() + r->elements[1].text.size(), found.port)
                    .ec == std::errc{};
        if (!known) {
            resolve_master(candidate + 1);
            return;
        }
        found.host = r->elements[0].text;
        if (!master_ || !(*master_ == found)) {
            spdlog::info("redis: master '{}' is at {}", options_.sentinel_master,
                         found.to_string());
        }
        master_ = found;
        resolving_ = false;
        auto ready = std::move(waiting_);
        waiting_.clear();
        for (auto& w : ready) route(std::move(w.cmd), w.redirects, std::move(w.done));
    });
}

void client::refresh_slots(std::size_t candidate) {
    if (closing_) return;
    if (candidate == 0) {
        if (refreshing_) return;
        refreshing_ = true;
    }
    std::vector<endpoint> candidates = nodes_;
    candidates.insert(candidates.end(), options_.seeds.begin(), options_.seeds.end());
    if (candidate >= candidates.size()) {
        spdlog::warn("redis: no cluster node answered CLUSTER SLOTS");
        refreshing_ = false;
        return;
    }
    static const std::vector<std::string> slots_args{"CLUSTER", "SLOTS"};
    connection_to(candidates[candidate])
        ->send(slots_args, [this, candidate](std::optional<reply> r) {
            if (r && r->type == reply::kind::array && !r->elements.empty()) {
                apply_slots(*r);
                refreshing_ = false;
            } else {
                refresh_slots(candidate + 1);
            }
        });
}

void client::apply_slots(const reply& slots) {
    // Each entry: [first slot, last slot, [master host, port, id], replicas...].
    std::vector<endpoint> masters;
    std::array<int, cluster_slots> owner{};
    owner.fill(-1);
    for (const auto& range : slots.elements) {
        if (range.type != reply::kind::array || range.elements.size() < 3) continue;
        const auto& master = range.elements[2];
        if (master.type != reply::kind::array || master.elements.size() < 2) continue;
        endpoint node{master.elements[0].text, static_cast<int>(master.elements[1].integer)};
        if (node.host.empty()) node.host = options_.seeds.front().host;
        int index = -1;
        for (std::size_t i = 0; i < masters.size(); ++i) {
            if (masters[i] == node) index = static_cast<int>(i);
        }
        if (index < 0) {
            masters.push_back(node);
            index = static_cast<int>(masters.size() - 1);
        }
        const auto first = std::max<std::int64_t>(0, range.elements[0].integer);
        const auto last = std::min<std::int64_t>(cluster_slots - 1, range.elements[1].integer);
        for (auto s = first; s <= last; ++s) owner[static_cast<std::size_t>(s)] = index;
    }
    if (masters.empty()) return;
    nodes_ = std::move(masters);
    slot_owner_ = owner;
    spdlog::debug("redis: cluster slot map has {} masters", nodes_.size());
}

}  // namespace marconi::storage::redis
