// Marconi bench: sets up connections and io threads, runs the load, checks and reports.
#include "runner.hpp"

#include <sys/resource.h>

#include <condition_variable>
#include <cstdio>
#include <exception>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include "report.hpp"
#include "roles.hpp"

namespace marconi::bench {

namespace {

using tcp = net::ip::tcp;
using coroutine_fn = net::awaitable<void> (*)(connection_slot*);

double seconds_between(bench_clock::time_point a, bench_clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/// Resolves the URL and proves a TCP connection can be made (bounded by --timeout-ms).
std::optional<tcp::endpoint> reach(const options& opt) {
    net::io_context io{1};
    boost::system::error_code ec;
    tcp::resolver resolver(io);
    auto results = resolver.resolve(opt.host, std::to_string(opt.port), ec);
    if (ec || results.empty()) {
        std::fprintf(stderr, "marconi-bench: cannot resolve %s: %s\n", opt.host.c_str(),
                     ec.message().c_str());
        return std::nullopt;
    }
    const tcp::endpoint ep = *results.begin();
    tcp::socket socket(io);
    boost::system::error_code connect_ec = net::error::timed_out;
    socket.async_connect(ep, [&](boost::system::error_code e) { connect_ec = e; });
    io.run_for(std::chrono::milliseconds(opt.timeout_ms));
    if (connect_ec) {
        std::fprintf(stderr, "marconi-bench: server unreachable at %s: %s\n", opt.url.c_str(),
                     connect_ec.message().c_str());
        return std::nullopt;
    }
    return ep;
}

void log_escape(std::exception_ptr e) {
    if (!e) return;
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        std::fprintf(stderr, "marconi-bench: connection coroutine failed: %s\n", ex.what());
    }
}

/// Owns the io threads (one single-threaded io_context each, so nothing needs a strand or a
/// lock on the hot path), the per-thread stats and the connections.
class runner {
public:
    runner(const options& opt, tcp::endpoint ep)
        : opt_(opt), endpoint_(ep), run_(opt, opt.populate_queues ? 0 : std::size_t(opt.queues)) {
        for (int i = 0; i < opt.threads; ++i) {
            ios_.push_back(std::make_unique<net::io_context>(1));
            stats_.push_back(std::make_unique<thread_stats>());
        }
    }

    int run() {
        if (!probe()) return 2;
        bench_report report;
        const double cpu0 = cpu_seconds();
        if (opt_.populate_queues) {
            make_slots({{role::put_queue, opt_.producers}});
            run_.next_item = 0;
            const double put_s = run_phase(run_put_queues, {role::put_queue});
            run_.next_item = 0;
            const double post_s = run_phase(run_post_one, {role::post_message});
            report.roles.push_back(totals_of(role::put_queue, put_s, opt_.producers));
            report.roles.push_back(totals_of(role::post_message, post_s, opt_.producers));
            report.duration_s = put_s + post_s;
            report.notes.push_back("counts_add_up applies only to producer+worker runs");
        } else {
            const bool counts = opt_.producers > 0 && opt_.workers > 0;
            std::vector<std::string> names;
            for (int q = 0; q < opt_.queues; ++q) names.push_back(opt_.queue_name(q));
            std::vector<std::optional<std::int64_t>> initial;
            if (counts) initial = fetch_totals(names);
            const std::vector<std::pair<role, int>> mix{{role::producer, opt_.producers},
                                                        {role::worker, opt_.workers},
                                                        {role::observer, opt_.observers},
                                                        {role::pinger, opt_.pingers}};
            make_slots(mix);
            std::vector<role> active;
            for (auto [r, n] : mix)
                if (n > 0) active.push_back(r);
            const double elapsed = run_phase(run_connection, active);
            for (auto [r, n] : mix)
                if (n > 0) report.roles.push_back(totals_of(r, elapsed, n));
            report.duration_s = elapsed;
            if (counts) {
                check_counts_after(names, initial, elapsed, report);
            } else {
                report.notes.push_back(
                    "counts_add_up skipped: it needs both producers and workers");
            }
        }
        report.client_cpu_s = cpu_seconds() - cpu0 - setup_cpu_s_;
        finish_verdict(report);

        if (opt_.json) {
            std::printf("%s\n", to_json(report).c_str());
        } else {
            print_table(stdout, report);
        }
        std::uint64_t requests = 0, transport = 0;
        for (const auto& r : report.roles) {
            requests += r.totals.requests;
            transport += r.totals.transport_errors;
        }
        if (requests > 0 && transport == requests) {
            std::fprintf(stderr,
                         "marconi-bench: every request failed in transport: server unreachable?\n");
            return 2;
        }
        return report.verdict.ok() ? 0 : 1;
    }

private:
    /// One HTTP round trip before the load: catches a URL that is not an HTTP server.
    bool probe() {
        http_connection conn(ios_[0]->get_executor(), endpoint_, identity(),
                             std::chrono::milliseconds(opt_.timeout_ms));
        reply r;
        net::co_spawn(*ios_[0], probe_once(&conn, &r), log_escape);
        ios_[0]->run();
        ios_[0]->restart();
        if (r.status == 0) {
            std::fprintf(stderr, "marconi-bench: no HTTP answer from %s: %s\n", opt_.url.c_str(),
                         r.ec.message().c_str());
            return false;
        }
        return true;
    }

    static net::awaitable<void> probe_once(http_connection* conn, reply* out) {
        *out = co_await conn->request(method::get, "/v2/ping");
        conn->close();
    }

    client_identity identity() const {
        return {opt_.host + ":" + std::to_string(opt_.port), opt_.project, random_uuid()};
    }

    void make_slots(const std::vector<std::pair<role, int>>& mix) {
        std::size_t i = 0;
        for (auto [r, n] : mix) {
            for (int k = 0; k < n; ++k, ++i) {
                const auto t = i % ios_.size();
                const std::size_t queue = opt_.populate_queues ? 0 : std::size_t(k % opt_.queues);
                slots_.push_back(std::make_unique<connection_slot>(
                    run_, *stats_[t], ios_[t]->get_executor(), endpoint_, identity(), r, queue));
                thread_of_.push_back(t);
            }
        }
    }

    /// Spawns `fn` on every connection, runs the io threads until every coroutine is done, and
    /// prints the progress line each second meanwhile. Returns the wall time.
    double run_phase(coroutine_fn fn, const std::vector<role>& shown) {
        run_.start = bench_clock::now();
        run_.tickets = 0;
        if (!opt_.requests && !opt_.populate_queues)
            run_.deadline = run_.start + std::chrono::duration_cast<bench_clock::duration>(
                                             std::chrono::duration<double>(opt_.duration_s));
        const double total_rate = opt_.rate;
        for (std::size_t i = 0; i < slots_.size(); ++i) {
            auto& s = *slots_[i];
            if (total_rate > 0 && !opt_.populate_queues) {
                s.open_loop = true;
                s.interval = std::chrono::duration_cast<bench_clock::duration>(
                    std::chrono::duration<double>(double(slots_.size()) / total_rate));
                // Stagger the connections across one interval so sends don't bunch up.
                s.next_send = run_.start + s.interval * i / slots_.size();
            }
            net::co_spawn(*ios_[thread_of_[i]], fn(&s), log_escape);
        }

        std::mutex m;
        std::condition_variable cv;
        std::size_t running = ios_.size();
        std::vector<std::thread> threads;
        for (auto& io : ios_) {
            threads.emplace_back([&, ctx = io.get()] {
                ctx->run();
                std::lock_guard lock(m);
                --running;
                cv.notify_all();
            });
        }
        std::vector<role_totals> previous(shown.size());
        auto last = run_.start;
        auto tick = run_.start + std::chrono::seconds(1);
        {
            std::unique_lock lock(m);
            while (!cv.wait_until(lock, tick, [&] { return running == 0; })) {
                lock.unlock();
                const auto now = bench_clock::now();
                if (!opt_.quiet)
                    progress(shown, previous, seconds_between(run_.start, now),
                             seconds_between(last, now));
                last = now;
                tick += std::chrono::seconds(1);
                lock.lock();
            }
        }
        const auto end = bench_clock::now();
        for (auto& t : threads) t.join();
        for (auto& io : ios_) io->restart();
        return seconds_between(run_.start, end);
    }

    role_totals merged(role r) const {
        role_totals t;
        for (const auto& s : stats_) t.add(s->of(r));
        return t;
    }

    void progress(const std::vector<role>& shown, std::vector<role_totals>& previous,
                  double elapsed, double interval) const {
        std::vector<role_report> delta;
        for (std::size_t i = 0; i < shown.size(); ++i) {
            auto now = merged(shown[i]);
            role_report d{shown[i], interval, {}};
            d.totals.requests = now.requests - previous[i].requests;
            d.totals.messages = now.messages - previous[i].messages;
            d.totals.errors = now.errors - previous[i].errors;
            d.totals.latency = now.latency.minus(previous[i].latency);
            delta.push_back(std::move(d));
            previous[i] = std::move(now);
        }
        print_progress(stderr, elapsed, interval, delta);
    }

    role_report totals_of(role r, double duration, int connections) const {
        role_report out{r, duration, merged(r)};
        out.totals.connections = std::uint64_t(connections);
        return out;
    }

    /// messages.total of every queue, read over up to 8 connections in parallel.
    std::vector<std::optional<std::int64_t>> fetch_totals(const std::vector<std::string>& names) {
        const double cpu0 = cpu_seconds();
        std::vector<std::optional<std::int64_t>> totals(names.size());
        const std::size_t n = std::min<std::size_t>(8, names.size());
        std::vector<std::unique_ptr<http_connection>> conns;
        for (std::size_t i = 0; i < n; ++i) {
            conns.push_back(
                std::make_unique<http_connection>(ios_[0]->get_executor(), endpoint_, identity(),
                                                  std::chrono::milliseconds(opt_.timeout_ms)));
            net::co_spawn(*ios_[0], run_fetch_totals(conns.back().get(), &names, i, n, &totals),
                          log_escape);
        }
        ios_[0]->run();
        ios_[0]->restart();
        setup_cpu_s_ += cpu_seconds() - cpu0;
        return totals;
    }

    void check_counts_after(const std::vector<std::string>& names,
                            const std::vector<std::optional<std::int64_t>>& initial, double elapsed,
                            bench_report& report) {
        if (elapsed >= opt_.message_ttl - 60) {
            report.notes.push_back("counts_add_up skipped: the run outlasted the message ttl");
            return;
        }
        const auto final_totals = fetch_totals(names);
        std::vector<queue_count> counts;
        std::vector<std::string> problems;
        for (std::size_t q = 0; q < names.size(); ++q) {
            if (!initial[q] || !final_totals[q]) {
                problems.push_back("could not read GET /v2/queues/" + names[q] + "/stats");
                continue;
            }
            const auto& t = run_.tallies[q];
            counts.push_back({names[q], *initial[q], *final_totals[q], t.posted.load(),
                              t.posted_uncertain.load(), t.deleted.load(),
                              t.deleted_uncertain.load()});
        }
        auto more = check_counts(counts);
        problems.insert(problems.end(), more.begin(), more.end());
        report.verdict.counts_add_up = problems.empty();
        for (auto& p : problems) report.verdict.violations.push_back(std::move(p));
    }

    void finish_verdict(bench_report& report) {
        auto& v = report.verdict;
        std::uint64_t server_errors = 0;
        std::string which;
        for (const auto& r : report.roles) {
            server_errors += r.totals.server_errors;
            for (std::size_t s = 500; s < r.totals.status.size(); ++s)
                if (r.totals.status[s])
                    which += fmt::format(" {} {}x{}", name_of(r.kind), s, r.totals.status[s]);
        }
        v.no_5xx = server_errors == 0;
        if (!v.no_5xx)
            v.violations.push_back(fmt::format("{} responses were 5xx:{}", server_errors, which));
        v.no_double_claim = run_.ledger.violations() == 0;
        auto found = run_.take_violations();
        v.violations.insert(v.violations.begin(), found.begin(), found.end());
        auto notes = run_.take_notes();
        report.notes.insert(report.notes.end(), notes.begin(), notes.end());
    }

    const options& opt_;
    tcp::endpoint endpoint_;
    run_context run_;
    std::vector<std::unique_ptr<net::io_context>> ios_;
    std::vector<std::unique_ptr<thread_stats>> stats_;
    std::vector<std::unique_ptr<connection_slot>> slots_;
    std::vector<std::size_t> thread_of_;
    double setup_cpu_s_ = 0;
};

}  // namespace

int run_bench(const options& opt) {
    const auto endpoint = reach(opt);
    if (!endpoint) return 2;
    runner r(opt, *endpoint);
    return r.run();
}

}  // namespace marconi::bench
