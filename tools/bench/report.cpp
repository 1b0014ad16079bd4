// Marconi bench: the progress line, the final table and the JSON object.
#include "report.hpp"

#include <cmath>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace marconi::bench {

namespace json = boost::json;

namespace {

double ms(std::uint64_t micros) { return double(micros) / 1000.0; }
double per_s(std::uint64_t n, double s) { return s > 0 ? double(n) / s : 0.0; }
double round3(double v) { return std::round(v * 1000.0) / 1000.0; }
/// Like json::serialize, but doubles print in shortest plain form (2.035, not 2.035E0) so the
/// output reads well and parses everywhere.
void write_json(const json::value& v, std::string& out) {
    switch (v.kind()) {
        case json::kind::object: {
            out += '{';
            bool first = true;
            for (const auto& [k, x] : v.get_object()) {
                if (!first) out += ',';
                first = false;
                out += json::serialize(json::string_view(k));
                out += ':';
                write_json(x, out);
            }
            out += '}';
            break;
        }
        case json::kind::array: {
            out += '[';
            bool first = true;
            for (const auto& x : v.get_array()) {
                if (!first) out += ',';
                first = false;
                write_json(x, out);
            }
            out += ']';
            break;
        }
        case json::kind::double_: {
            const double d = v.get_double();
            out += std::isfinite(d) ? fmt::format("{}", d) : "null";
            break;
        }
        default: out += json::serialize(v);
    }
}

std::uint64_t total_requests(const bench_report& r) {
    std::uint64_t n = 0;
    for (const auto& role : r.roles) n += role.totals.requests;
    return n;
}

}  // namespace

void print_progress(std::FILE* out, double elapsed_s, double interval_s,
                    const std::vector<role_report>& interval) {
    std::uint64_t requests = 0, errors = 0;
    histogram all;
    std::string per_role;
    for (const auto& r : interval) {
        requests += r.totals.requests;
        errors += r.totals.errors;
        all.merge(r.totals.latency);
        if (r.kind == role::pinger) {
            per_role += fmt::format(" {} {:.0f} req/s", name_of(r.kind),
                                    per_s(r.totals.requests, interval_s));
        } else {
            per_role += fmt::format(" {} {:.0f} msg/s", name_of(r.kind),
                                    per_s(r.totals.messages, interval_s));
        }
    }
    std::fprintf(out, "[%5.1fs] %8.0f req/s |%s | p50 %.2f ms p99 %.2f ms | errors %llu\n",
                 elapsed_s, per_s(requests, interval_s), per_role.c_str(), ms(all.percentile(0.5)),
                 ms(all.percentile(0.99)), static_cast<unsigned long long>(errors));
    std::fflush(out);
}

void print_table(std::FILE* out, const bench_report& r) {
    std::fprintf(out, "%-13s %5s %10s %10s %10s %10s %8s %8s %8s %8s %8s %7s\n", "role", "conns",
                 "requests", "messages", "req/s", "msg/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms",
                 "max ms", "errors");
    std::uint64_t requests = 0, errors = 0;
    for (const auto& role : r.roles) {
        const auto& t = role.totals;
        requests += t.requests;
        errors += t.errors;
        std::fprintf(
            out, "%-13s %5llu %10llu %10llu %10.0f %10.0f %8.2f %8.2f %8.2f %8.2f %8.2f %7llu\n",
            std::string(name_of(role.kind)).c_str(), static_cast<unsigned long long>(t.connections),
            static_cast<unsigned long long>(t.requests),
            static_cast<unsigned long long>(t.messages), per_s(t.requests, role.duration_s),
            per_s(t.messages, role.duration_s), ms(t.latency.percentile(0.5)),
            ms(t.latency.percentile(0.9)), ms(t.latency.percentile(0.99)),
            ms(t.latency.percentile(0.999)), ms(t.latency.max()),
            static_cast<unsigned long long>(t.errors));
        std::string statuses;
        for (std::size_t s = 0; s < t.status.size(); ++s)
            if (t.status[s]) statuses += fmt::format(" {}:{}", s, t.status[s]);
        if (t.transport_errors) statuses += fmt::format(" transport:{}", t.transport_errors);
        if (t.idle_polls) statuses += fmt::format(" idle_polls:{}", t.idle_polls);
        if (role.kind == role::worker) statuses += fmt::format(" claimed:{}", t.claimed);
        std::fprintf(out, "%-13s %s\n", "", statuses.c_str());
    }
    std::fprintf(out, "%-13s %5s %10llu %10s %10.0f %10s %8s %8s %8s %8s %8s %7llu\n", "total", "",
                 static_cast<unsigned long long>(requests), "", per_s(requests, r.duration_s), "",
                 "", "", "", "", "", static_cast<unsigned long long>(errors));
    std::fprintf(out, "duration %.2f s; client CPU %.2f s = %.1f us/request\n", r.duration_s,
                 r.client_cpu_s, requests ? r.client_cpu_s * 1e6 / double(requests) : 0.0);
    const auto& v = r.verdict;
    std::fprintf(out, "verification: %s (no_5xx %s, no_double_claim %s, counts_add_up %s)\n",
                 v.ok() ? "OK" : "FAILED", v.no_5xx ? "ok" : "FAIL",
                 v.no_double_claim ? "ok" : "FAIL",
                 !v.counts_add_up   ? "skipped"
                 : *v.counts_add_up ? "ok"
                                    : "FAIL");
    for (const auto& line : v.violations) std::fprintf(out, "  violation: %s\n", line.c_str());
    for (const auto& line : r.notes) std::fprintf(out, "  note: %s\n", line.c_str());
}

std::string to_json(const bench_report& r) {
    json::object roles;
    std::uint64_t errors = 0;
    for (const auto& role : r.roles) {
        const auto& t = role.totals;
        errors += t.errors;
        json::object statuses;
        for (std::size_t s = 0; s < t.status.size(); ++s)
            if (t.status[s]) statuses[std::to_string(s)] = t.status[s];
        json::object o{
            {"connections", t.connections},
            {"requests", t.requests},
            {"messages", t.messages},
            {"req_per_s", round3(per_s(t.requests, role.duration_s))},
            {"msg_per_s", round3(per_s(t.messages, role.duration_s))},
            {"p50_ms", ms(t.latency.percentile(0.5))},
            {"p90_ms", ms(t.latency.percentile(0.9))},
            {"p99_ms", ms(t.latency.percentile(0.99))},
            {"p999_ms", ms(t.latency.percentile(0.999))},
            {"max_ms", ms(t.latency.max())},
            {"errors", t.errors},
            {"transport_errors", t.transport_errors},
            {"status_counts", std::move(statuses)},
            {"duration_s", round3(role.duration_s)},
        };
        if (role.kind == role::worker || role.kind == role::observer)
            o["idle_polls"] = t.idle_polls;
        if (role.kind == role::worker) o["claimed"] = t.claimed;
        roles[name_of(role.kind)] = std::move(o);
    }
    const auto requests = total_requests(r);
    json::object checks{{"no_5xx", r.verdict.no_5xx},
                        {"no_double_claim", r.verdict.no_double_claim}};
    json::array skipped;
    if (r.verdict.counts_add_up) {
        checks["counts_add_up"] = *r.verdict.counts_add_up;
    } else {
        skipped.emplace_back("counts_add_up");
    }
    json::array violations;
    for (const auto& v : r.verdict.violations) violations.emplace_back(v);
    json::array notes;
    for (const auto& n : r.notes) notes.emplace_back(n);
    json::object out{
        {"duration_s", round3(r.duration_s)},
        {"roles", std::move(roles)},
        {"total", json::object{{"requests", requests},
                               {"req_per_s", round3(per_s(requests, r.duration_s))},
                               {"errors", errors}}},
        {"client_cpu_s", round3(r.client_cpu_s)},
        {"client_cpu_us_per_request",
         round3(requests ? r.client_cpu_s * 1e6 / double(requests) : 0.0)},
        {"verification", json::object{{"ok", r.verdict.ok()},
                                      {"checks", std::move(checks)},
                                      {"checks_skipped", std::move(skipped)},
                                      {"violations", std::move(violations)}}},
        {"notes", std::move(notes)},
    };
    std::string text;
    write_json(out, text);
    return text;
}

}  // namespace marconi::bench
