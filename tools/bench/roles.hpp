// Marconi bench: the load roles, one coroutine per connection.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "http_connection.hpp"
#include "options.hpp"
#include "responses.hpp"
#include "stats.hpp"
#include "verifier.hpp"

namespace marconi::bench {

/// Per-queue message accounting for the counts check; shared by every thread (atomics).
struct queue_tally {
    std::atomic<std::int64_t> posted{0}, posted_uncertain{0}, deleted{0}, deleted_uncertain{0};
};

/// State shared by every connection of one run. Created by the runner before the io threads
/// start and destroyed after they join; everything mutable is atomic or behind a mutex.
struct run_context {
    run_context(const options& o, std::size_t queues) : opt(o), tallies(queues) {}

    const options& opt;
    bench_clock::time_point start;
    bench_clock::time_point deadline = bench_clock::time_point::max();
    std::atomic<std::uint64_t> tickets{0};    // --requests budget
    std::atomic<std::uint64_t> next_item{0};  // --populate-queues work index
    claim_ledger ledger;
    std::vector<queue_tally> tallies;

    /// A broken correctness rule (fails verification), e.g. a double claim.
    void add_violation(std::string text) { violations_.add(std::move(text)); }
    /// Something odd that no check covers, e.g. an unreadable response body.
    void add_note(std::string text) { notes_.add(std::move(text)); }
    std::vector<std::string> take_violations() { return violations_.take(); }
    std::vector<std::string> take_notes() { return notes_.take(); }

private:
    /// A bounded, thread-safe list of messages (the first 50 are kept, the rest counted).
    class message_list {
    public:
        void add(std::string text);
        std::vector<std::string> take();

    private:
        std::mutex mutex_;
        std::vector<std::string> items_;
        std::uint64_t dropped_ = 0;
    };
    message_list violations_, notes_;
};

/// One client connection and its pacing state. Lives in the runner for the whole run; its
/// coroutine runs on the io_context `conn` was made with.
struct connection_slot {
    connection_slot(run_context& run, thread_stats& stats, net::any_io_executor ex,
                    net::ip::tcp::endpoint ep, client_identity id, role r, std::size_t queue);

    run_context& run;
    thread_stats& stats;
    http_connection conn;
    net::steady_timer timer;
    role kind;
    std::size_t queue;
    std::string queue_name;
    // Open loop: the next scheduled send time and the gap between sends.
    bool open_loop = false;
    bench_clock::duration interval{};
    bench_clock::time_point next_send{};
    json_scratch scratch;
};

/// The coroutine that drives one connection in its role until the run ends.
net::awaitable<void> run_connection(connection_slot* slot);

/// --populate-queues phases: every connection takes queue indexes from run.next_item.
net::awaitable<void> run_put_queues(connection_slot* slot);
net::awaitable<void> run_post_one(connection_slot* slot);

/// GET /v2/queues/<name>/stats -> messages.total for queues [first, queues.size()) stepping by
/// `step`; writes into totals (nullopt on failure).
net::awaitable<void> run_fetch_totals(http_connection* conn, const std::vector<std::string>* queues,
                                      std::size_t first, std::size_t step,
                                      std::vector<std::optional<std::int64_t>>* totals);

}  // namespace marconi::bench
