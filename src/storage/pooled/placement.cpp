// Marconi. Queue placement.
#include "storage/pooled/placement.hpp"

#include <cmath>
#include <cstdint>
#include <limits>

namespace marconi::storage::pooled {

namespace {

/// FNV-1a then a splitmix64 finalizer: stable across processes, builds and machines (every
/// head must agree), and well mixed even for names that differ in one character.
std::uint64_t stable_hash(std::string_view a, std::string_view b, std::string_view c) {
    std::uint64_t h = 14695981039346656037ull;
    auto feed = [&h](std::string_view part) {
        for (unsigned char byte : part) {
            h ^= byte;
            h *= 1099511628211ull;
        }
        h ^= 0xff;  // separator: ("ab","c") and ("a","bc") differ
        h *= 1099511628211ull;
    };
    feed(a);
    feed(b);
    feed(c);
    h += 0x9e3779b97f4a7c15ull;
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
    return h ^ (h >> 31);
}

}  // namespace

std::vector<core::pool_record> candidates(const std::vector<core::pool_record>& pools,
                                          const std::optional<std::string>& flavor) {
    std::vector<core::pool_record> out;
    for (const auto& p : pools) {
        if (p.weight > 0 && p.flavor == flavor) out.push_back(p);
    }
    return out;
}

std::optional<std::string> pick_weighted_random(const std::vector<core::pool_record>& candidates,
                                                std::mt19937_64& random) {
    std::int64_t total = 0;
    for (const auto& p : candidates) total += p.weight;
    if (total <= 0) return std::nullopt;
    std::uniform_int_distribution<std::int64_t> ticket{0, total - 1};
    auto left = ticket(random);
    for (const auto& p : candidates) {
        if (left < p.weight) return p.name;
        left -= p.weight;
    }
    return candidates.back().name;
}

std::optional<std::string> pick_by_hash(const std::vector<core::pool_record>& candidates,
                                        const core::queue_address& queue) {
    // Weighted rendezvous: score = weight / -ln(u), u uniform in (0, 1) from the hash of
    // (pool, project, queue); the highest score wins.
    const std::string* best = nullptr;
    double best_score = -std::numeric_limits<double>::infinity();
    for (const auto& p : candidates) {
        const auto h = stable_hash(p.name, queue.project.value(), queue.name.value());
        const double u = (static_cast<double>(h >> 11) + 0.5) / 9007199254740992.0;  // 2^53
        const double score = static_cast<double>(p.weight) / -std::log(u);
        if (score > best_score) {
            best_score = score;
            best = &p.name;
        }
    }
    if (!best) return std::nullopt;
    return *best;
}

}  // namespace marconi::storage::pooled
