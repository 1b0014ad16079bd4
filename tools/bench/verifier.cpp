// Marconi bench: correctness checks made while the load runs and after it.
#include "verifier.hpp"

#include <fmt/format.h>
#include <algorithm>

namespace marconi::bench {

std::uint64_t claim_ledger::key(std::string_view queue, std::string_view id) {
    // FNV-1a over "queue\0id": 8 bytes per entry instead of the id string; a collision would
    // need ~2^32 live entries to become likely.
    std::uint64_t h = 1469598103934665603ull;
    auto mix = [&h](std::string_view s) {
        for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    };
    mix(queue);
    h = (h ^ 0xffu) * 1099511628211ull;
    mix(id);
    return h;
}

std::optional<std::string> claim_ledger::on_claimed(std::string_view queue, std::string_view id,
                                                    bench_clock::time_point sent,
                                                    bench_clock::time_point received,
                                                    std::chrono::seconds ttl) {
    const auto k = key(queue, id);
    std::optional<std::string> violation;
    std::lock_guard lock(mutex_);
    auto [it, fresh] = held_.try_emplace(k);
    if (!fresh) {
        // The second claim was served no later than `received`; the first claim held the message
        // at least until live_until. Slack absorbs clock and rounding differences.
        if (it->second.deleted) {
            ++violations_;
            violation =
                fmt::format("message {}/{} was claimed again after it was deleted", queue, id);
        } else if (received + slack_ < it->second.live_until) {
            ++violations_;
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                it->second.live_until - received);
            violation = fmt::format("message {}/{} claimed twice: the earlier claim had {} ms left",
                                    queue, id, left.count());
        }
    }
    it->second = entry{sent + ttl, false};
    if (held_.size() >= prune_at_) prune(received);
    return violation;
}

void claim_ledger::on_deleted(std::string_view queue, std::string_view id) {
    std::lock_guard lock(mutex_);
    auto it = held_.find(key(queue, id));
    if (it != held_.end()) it->second.deleted = true;
}

void claim_ledger::prune(bench_clock::time_point now) {
    // Expired claims may legitimately be claimed again; deleted entries stay until their claim
    // would have expired anyway, which bounds memory to ~ttl worth of claims.
    std::erase_if(held_, [&](const auto& kv) { return kv.second.live_until + slack_ < now; });
    prune_at_ = std::max<std::size_t>(1 << 16, held_.size() * 2);
}

std::uint64_t claim_ledger::violations() const {
    std::lock_guard lock(mutex_);
    return violations_;
}

std::size_t claim_ledger::tracked() const {
    std::lock_guard lock(mutex_);
    return held_.size();
}

std::vector<std::string> check_counts(const std::vector<queue_count>& queues) {
    std::vector<std::string> out;
    std::int64_t posted = 0, posted_uncertain = 0, deleted = 0;
    for (const auto& q : queues) {
        posted += q.posted;
        posted_uncertain += q.posted_uncertain;
        deleted += q.deleted;
        // d = what the server holds beyond what we can explain with certain requests.
        // Uncertain posts can only add messages, uncertain deletes can only remove them.
        const std::int64_t d = q.initial_total + q.posted - q.deleted - q.final_total;
        if (d < -q.posted_uncertain || d > q.deleted_uncertain) {
            out.push_back(fmt::format(
                "queue {}: initial {} + posted {} != deleted {} + remaining {} (off by {}; "
                "uncertain posts {}, uncertain deletes {})",
                q.queue, q.initial_total, q.posted, q.deleted, q.final_total, -d,
                q.posted_uncertain, q.deleted_uncertain));
        }
    }
    std::int64_t initial = 0;
    for (const auto& q : queues) initial += q.initial_total;
    if (deleted > initial + posted + posted_uncertain) {
        out.push_back(
            fmt::format("deleted {} messages but only {} were posted (+{} already queued)", deleted,
                        posted, initial));
    }
    return out;
}

}  // namespace marconi::bench
