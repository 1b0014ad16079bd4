// Marconi bench: correctness checks made while the load runs and after it.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace marconi::bench {

using bench_clock = std::chrono::steady_clock;

/// Remembers every message a claim returned, with the earliest moment that claim can expire
/// (request sent + ttl). If another claim returns the same message while the first claim is
/// provably still live, that is a double claim.
///
/// Thread safety: every member takes the internal mutex; workers on any thread call it.
class claim_ledger {
public:
    explicit claim_ledger(std::chrono::milliseconds slack = std::chrono::seconds(1))
        : slack_(slack) {}

    /// A claim sent at `sent` and answered at `received` returned message `id` of `queue`.
    /// Returns a description of the violation if the message was still held by a live claim.
    std::optional<std::string> on_claimed(std::string_view queue, std::string_view id,
                                          bench_clock::time_point sent,
                                          bench_clock::time_point received,
                                          std::chrono::seconds ttl);
    /// The message was deleted with its claim: it may not come back from any later claim.
    void on_deleted(std::string_view queue, std::string_view id);

    std::uint64_t violations() const;
    std::size_t tracked() const;

private:
    struct entry {
        bench_clock::time_point live_until;  // the claim certainly holds the message until here
        bool deleted = false;
    };
    static std::uint64_t key(std::string_view queue, std::string_view id);
    void prune(bench_clock::time_point now);

    std::chrono::milliseconds slack_;
    mutable std::mutex mutex_;
    std::unordered_map<std::uint64_t, entry> held_;
    std::uint64_t violations_ = 0;
    std::size_t prune_at_ = 1 << 16;
};

/// Per-queue bookkeeping for the "counts add up" check. `*_uncertain` are messages whose
/// request failed in transport, so the server may or may not have applied it.
struct queue_count {
    std::string queue;
    std::int64_t initial_total = 0;  // stats.messages.total before the run
    std::int64_t final_total = 0;    // ... and after
    std::int64_t posted = 0, posted_uncertain = 0;
    std::int64_t deleted = 0, deleted_uncertain = 0;
};

/// initial + posted == deleted + final, for every queue, allowing for uncertain requests; and
/// posted >= deleted overall. Returns one line per violation.
std::vector<std::string> check_counts(const std::vector<queue_count>& queues);

/// The verdict that goes into the report.
struct verification {
    bool no_5xx = true;
    bool no_double_claim = true;
    std::optional<bool> counts_add_up;  // empty when the check does not apply
    std::vector<std::string> violations;
    bool ok() const { return no_5xx && no_double_claim && counts_add_up.value_or(true); }
};

}  // namespace marconi::bench
