// Marconi bench: per-thread, per-role counters.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>

#include "histogram.hpp"

namespace marconi::bench {

enum class role : std::uint8_t { producer, worker, observer, pinger, put_queue, post_message };
inline constexpr std::size_t role_count = 6;
inline constexpr std::array<std::string_view, role_count> role_names{
    "producer", "worker", "observer", "pinger", "put_queue", "post_message"};
inline std::string_view name_of(role r) { return role_names[static_cast<std::size_t>(r)]; }

/// A counter with one writer thread and any number of reader threads: relaxed load + store,
/// so the hot path never pays for a locked instruction.
class counter {
public:
    void add(std::uint64_t n = 1) {
        v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    std::uint64_t get() const { return v_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> v_{0};
};

/// What one role did on one io thread. Written only by that thread; read by the progress
/// reporter and, after the threads have joined, by the report.
struct role_stats {
    static constexpr std::size_t status_slots = 600;

    histogram latency;  // µs per request (from the scheduled time in open-loop mode)
    counter requests;   // every attempted request, errors included
    counter messages;   // posted / deleted / listed, per role
    counter errors;     // transport errors + unexpected statuses
    counter transport_errors;
    counter server_errors;  // 5xx
    counter idle_polls;     // worker 204 on claim, observer empty page
    counter claimed;        // worker: messages received from claims
    std::array<counter, status_slots> status;
};

/// One per io thread.
struct thread_stats {
    std::array<role_stats, role_count> roles;
    role_stats& of(role r) { return roles[static_cast<std::size_t>(r)]; }
};

/// Plain-value totals of one role, merged across threads.
struct role_totals {
    std::uint64_t connections = 0, requests = 0, messages = 0, errors = 0, transport_errors = 0,
                  server_errors = 0, idle_polls = 0, claimed = 0;
    std::array<std::uint64_t, role_stats::status_slots> status{};
    histogram latency;

    void add(const role_stats& s) {
        requests += s.requests.get();
        messages += s.messages.get();
        errors += s.errors.get();
        transport_errors += s.transport_errors.get();
        server_errors += s.server_errors.get();
        idle_polls += s.idle_polls.get();
        claimed += s.claimed.get();
        for (std::size_t i = 0; i < status.size(); ++i) status[i] += s.status[i].get();
        histogram snap;
        s.latency.snapshot_into(snap);
        latency.merge(snap);
    }
};

}  // namespace marconi::bench
