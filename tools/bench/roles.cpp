// Marconi bench: the load roles, one coroutine per connection.
#include "roles.hpp"

#include <algorithm>
#include <cstdio>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace marconi::bench {

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
constexpr std::size_t max_violations_kept = 50;

std::uint64_t micros_since(bench_clock::time_point t, bench_clock::time_point now) {
    return now <= t ? 0
                    : static_cast<std::uint64_t>(
                          std::chrono::duration_cast<std::chrono::microseconds>(now - t).count());
}

/// Accounts one finished request: latency from `scheduled`, status, error.
void account(role_stats& s, bench_clock::time_point scheduled, const reply& r, bool ok) {
    s.latency.record(micros_since(scheduled, bench_clock::now()));
    s.requests.add();
    if (r.status == 0) {
        s.transport_errors.add();
        s.errors.add();
        return;
    }
    s.status[std::min<std::size_t>(r.status, role_stats::status_slots - 1)].add();
    if (r.status >= 500) s.server_errors.add();
    if (!ok) s.errors.add();
}

net::awaitable<void> sleep_for(connection_slot* s, bench_clock::duration d) {
    s->timer.expires_after(d);
    co_await s->timer.async_wait(use_tuple);
}

/// The moment the next request should count from, or nullopt when the run is over. Closed
/// loop: now. Open loop: the next scheduled slot (waiting for it if early; if late, the
/// lateness counts toward latency, which is what keeps coordinated omission out).
net::awaitable<std::optional<bench_clock::time_point>> next_slot(connection_slot* s) {
    auto& run = s->run;
    if (run.opt.requests && run.tickets.fetch_add(1, std::memory_order_relaxed) >= run.opt.requests)
        co_return std::nullopt;
    if (!s->open_loop) {
        const auto now = bench_clock::now();
        if (now >= run.deadline) co_return std::nullopt;
        co_return now;
    }
    const auto t = s->next_send;
    s->next_send += s->interval;
    if (t >= run.deadline) co_return std::nullopt;
    if (bench_clock::now() < t) {
        s->timer.expires_at(t);
        co_await s->timer.async_wait(use_tuple);
    }
    co_return t;
}

/// After a failed connect, don't hammer a dead server.
net::awaitable<void> after_failure(connection_slot* s, const reply& r) {
    if (r.status == 0 && !r.maybe_applied) co_await sleep_for(s, std::chrono::milliseconds(10));
}

std::string producer_body(const options& o) {
    // {"ttl":3600,"body":{"pad":"xxx"}}: pad so the body is about --body-bytes.
    const std::size_t overhead = 10;  // {"pad":""}
    const std::string pad(o.body_bytes > int(overhead) ? o.body_bytes - overhead : 1, 'x');
    std::string one =
        "{\"ttl\":" + std::to_string(o.message_ttl) + ",\"body\":{\"pad\":\"" + pad + "\"}}";
    std::string out = "{\"messages\":[";
    for (int i = 0; i < o.batch; ++i) {
        if (i) out += ',';
        out += one;
    }
    out += "]}";
    return out;
}

net::awaitable<void> run_producer(connection_slot* s) {
    auto& stats = s->stats.of(role::producer);
    auto& tally = s->run.tallies[s->queue];
    const std::string target = "/v2/queues/" + s->queue_name + "/messages";
    const std::string body = producer_body(s->run.opt);
    while (auto t = co_await next_slot(s)) {
        const auto r = co_await s->conn.request(method::post, target, body);
        account(stats, *t, r, r.status == 201);
        if (r.status == 201) {
            const auto n = count_posted(s->conn.body());
            stats.messages.add(n);
            tally.posted.fetch_add(std::int64_t(n), std::memory_order_relaxed);
        } else if (r.status >= 500 || r.maybe_applied) {
            tally.posted_uncertain.fetch_add(s->run.opt.batch, std::memory_order_relaxed);
        }
        co_await after_failure(s, r);
    }
}

net::awaitable<void> run_worker(connection_slot* s) {
    auto& run = s->run;
    auto& stats = s->stats.of(role::worker);
    auto& tally = run.tallies[s->queue];
    const std::string target =
        "/v2/queues/" + s->queue_name + "/claims?limit=" + std::to_string(run.opt.claim_limit);
    const std::string body = "{\"ttl\":" + std::to_string(run.opt.claim_ttl) +
                             ",\"grace\":" + std::to_string(run.opt.claim_grace) + "}";
    const std::chrono::seconds ttl(run.opt.claim_ttl);
    std::vector<claimed_message> claimed;
    std::size_t count = 0;
    while (auto t = co_await next_slot(s)) {
        const auto sent = bench_clock::now();
        const auto r = co_await s->conn.request(method::post, target, body);
        const auto received = bench_clock::now();
        account(stats, *t, r, r.status == 201 || r.status == 204);
        if (r.status == 204) {
            stats.idle_polls.add();
            if (!s->open_loop) co_await sleep_for(s, std::chrono::milliseconds(1));
            continue;
        }
        if (r.status != 201) {
            co_await after_failure(s, r);
            continue;
        }
        if (!parse_claim(s->conn.body(), s->scratch, claimed, count)) {
            stats.errors.add();
            run.add_note("worker: unreadable claim response: " +
                         std::string(s->conn.body().substr(0, 200)));
            continue;
        }
        stats.claimed.add(count);
        for (std::size_t i = 0; i < count; ++i) {
            if (auto v = run.ledger.on_claimed(s->queue_name, claimed[i].id, sent, received, ttl))
                run.add_violation(std::move(*v));
        }
        for (std::size_t i = 0; i < count; ++i) {
            auto dt = co_await next_slot(s);
            if (!dt) co_return;  // claimed but undeleted messages stay in the stats total
            const auto& m = claimed[i];
            if (m.href.find("claim_id=") == std::string::npos) {
                run.add_note("worker: claimed message href has no claim_id: " + m.href);
            }
            const auto d = co_await s->conn.request(method::delete_, m.href);
            account(stats, *dt, d, d.status == 204);
            if (d.status == 204) {
                stats.messages.add();
                tally.deleted.fetch_add(1, std::memory_order_relaxed);
                run.ledger.on_deleted(s->queue_name, m.id);
            } else if (d.status >= 500 || d.maybe_applied) {
                tally.deleted_uncertain.fetch_add(1, std::memory_order_relaxed);
            }
            co_await after_failure(s, d);
        }
    }
}

net::awaitable<void> run_observer(connection_slot* s) {
    auto& stats = s->stats.of(role::observer);
    // The next page to read; when a page comes back empty we keep asking from the same marker.
    std::string target = "/v2/queues/" + s->queue_name +
                         "/messages?echo=true&limit=" + std::to_string(s->run.opt.observer_limit);
    std::optional<std::string> next;
    std::size_t count = 0;
    while (auto t = co_await next_slot(s)) {
        const auto r = co_await s->conn.request(method::get, target);
        account(stats, *t, r, r.status == 200);
        if (r.status != 200) {
            co_await after_failure(s, r);
            continue;
        }
        if (!parse_listing(s->conn.body(), s->scratch, count, next)) {
            stats.errors.add();
            continue;
        }
        if (count == 0) {
            stats.idle_polls.add();
            if (!s->open_loop) co_await sleep_for(s, std::chrono::milliseconds(1));
            continue;
        }
        stats.messages.add(count);
        if (next && next->starts_with('/')) {
            target = std::move(*next);
        } else if (next && next->starts_with('?')) {
            target = target.substr(0, target.find('?')) + *next;
        } else {
            s->run.add_note("observer: a non-empty page had no usable next link");
        }
    }
}

net::awaitable<void> run_pinger(connection_slot* s) {
    auto& stats = s->stats.of(role::pinger);
    while (auto t = co_await next_slot(s)) {
        const auto r = co_await s->conn.request(method::get, "/v2/ping");
        account(stats, *t, r, r.status >= 200 && r.status < 300);
        co_await after_failure(s, r);
    }
}

}  // namespace

void run_context::message_list::add(std::string text) {
    std::lock_guard lock(mutex_);
    if (items_.size() < max_violations_kept) {
        items_.push_back(std::move(text));
    } else {
        ++dropped_;
    }
}

std::vector<std::string> run_context::message_list::take() {
    std::lock_guard lock(mutex_);
    auto out = std::move(items_);
    if (dropped_) out.push_back("... and " + std::to_string(dropped_) + " more");
    items_.clear();
    dropped_ = 0;
    return out;
}

connection_slot::connection_slot(run_context& run, thread_stats& stats, net::any_io_executor ex,
                                 net::ip::tcp::endpoint ep, client_identity id, role r,
                                 std::size_t queue)
    : run(run),
      stats(stats),
      conn(ex, ep, std::move(id), std::chrono::milliseconds(run.opt.timeout_ms)),
      timer(ex),
      kind(r),
      queue(queue),
      queue_name(run.opt.queue_name(queue)) {}

net::awaitable<void> run_connection(connection_slot* slot) {
    switch (slot->kind) {
        case role::producer: co_await run_producer(slot); break;
        case role::worker: co_await run_worker(slot); break;
        case role::observer: co_await run_observer(slot); break;
        case role::pinger: co_await run_pinger(slot); break;
        default: break;
    }
    slot->conn.close();
}

net::awaitable<void> run_put_queues(connection_slot* s) {
    auto& stats = s->stats.of(role::put_queue);
    for (;;) {
        const auto i = s->run.next_item.fetch_add(1, std::memory_order_relaxed);
        if (i >= s->run.opt.populate_queues) break;
        const auto t = bench_clock::now();
        const auto r =
            co_await s->conn.request(method::put, "/v2/queues/" + s->run.opt.queue_name(i));
        account(stats, t, r, r.status == 201 || r.status == 204);
        if (r.status == 201 || r.status == 204) stats.messages.add();
        co_await after_failure(s, r);
    }
}

net::awaitable<void> run_post_one(connection_slot* s) {
    auto& stats = s->stats.of(role::post_message);
    options one = s->run.opt;
    one.batch = 1;
    const std::string body = producer_body(one);
    for (;;) {
        const auto i = s->run.next_item.fetch_add(1, std::memory_order_relaxed);
        if (i >= s->run.opt.populate_queues) break;
        const auto t = bench_clock::now();
        const auto r = co_await s->conn.request(
            method::post, "/v2/queues/" + s->run.opt.queue_name(i) + "/messages", body);
        account(stats, t, r, r.status == 201);
        if (r.status == 201) stats.messages.add(count_posted(s->conn.body()));
        co_await after_failure(s, r);
    }
}

net::awaitable<void> run_fetch_totals(http_connection* conn, const std::vector<std::string>* queues,
                                      std::size_t first, std::size_t step,
                                      std::vector<std::optional<std::int64_t>>* totals) {
    for (std::size_t i = first; i < queues->size(); i += step) {
        // A retry or two: a stats read must not fail the run because of one dropped connection.
        for (int attempt = 0; attempt < 3; ++attempt) {
            const auto r =
                co_await conn->request(method::get, "/v2/queues/" + (*queues)[i] + "/stats");
            if (r.status == 200) {
                (*totals)[i] = parse_stats_total(conn->body());
                break;
            }
        }
    }
    conn->close();
}

}  // namespace marconi::bench
