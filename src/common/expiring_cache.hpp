// Marconi. A bounded map whose entries expire on the injectable clock: the one cache behind
// queue metadata (core), subscription lists (notify), pool catalog entries (pooled) and
// Keystone token validations (auth).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <iterator>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

#include "common/clock.hpp"

namespace marconi {

/// What an insert of a new key does when the cache already holds `capacity` entries.
enum class when_full {
    /// Drop everything: crude but O(1) amortized; the hot keys come back on their next miss.
    clear,
    /// Drop the stale entries, then arbitrary ones down to 90% of capacity, so that the next
    /// inserts need no sweep.
    sweep,
};

/// Thread-safe: one mutex, held only for map operations (never across a call out), so it may
/// be used under a lock of the caller's. An entry lives until `max_age` after its insert, or
/// an earlier time the insert gives; `max_age` <= 0 turns the cache off (inserts keep nothing).
///
/// A read that raced with a write must not re-insert what it read before the write: a caller
/// that erases on writes takes generation() before reading the source and passes it to
/// insert_if_unchanged(), which keeps nothing if any erase() happened since.
template <class Key, class Value, class Hash = std::hash<Key>>
class expiring_cache {
public:
    expiring_cache(const clock& clock, std::chrono::milliseconds max_age, std::size_t capacity,
                   when_full policy = when_full::clear)
        : clock_(clock), max_age_(max_age), capacity_(capacity), policy_(policy) {}

    expiring_cache(const expiring_cache&) = delete;
    expiring_cache& operator=(const expiring_cache&) = delete;

    bool enabled() const noexcept { return max_age_.count() > 0; }

    /// The value stored for `key` while it is fresh.
    std::optional<Value> find(const Key& key) const {
        const auto now = clock_.now();
        std::lock_guard lock(mutex_);
        auto it = entries_.find(key);
        if (it == entries_.end() || it->second.expires <= now) return std::nullopt;
        return it->second.value;
    }

    /// Keeps `value` until max_age from now, or `until` when that is earlier; nothing when the
    /// cache is off or that time is not after now. Returns whether it kept it.
    bool insert(Key key, Value value, std::optional<time_point> until = std::nullopt) {
        std::lock_guard lock(mutex_);
        return store(std::move(key), std::move(value), until);
    }

    /// Call before reading what will be inserted; pass the value to insert_if_unchanged().
    std::uint64_t generation() const {
        std::lock_guard lock(mutex_);
        return generation_;
    }

    /// As insert(), unless erase() ran since `read_generation` was taken.
    bool insert_if_unchanged(Key key, Value value, std::uint64_t read_generation) {
        std::lock_guard lock(mutex_);
        // Checked under the lock erase() takes, so no erase can slip between check and store.
        if (generation_ != read_generation) return false;
        return store(std::move(key), std::move(value), std::nullopt);
    }

    void erase(const Key& key) {
        std::lock_guard lock(mutex_);
        ++generation_;
        entries_.erase(key);
    }

    /// Entries held, stale ones included.
    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return entries_.size();
    }

private:
    struct entry {
        Value value;
        time_point expires;
    };

    /// Locked.
    bool store(Key key, Value value, std::optional<time_point> until) {
        if (!enabled()) return false;
        const auto now = clock_.now();
        auto expires = now + max_age_;
        if (until && *until < expires) expires = *until;
        if (expires <= now) return false;
        if (entries_.size() >= capacity_ && !entries_.contains(key)) make_room(now);
        entries_.insert_or_assign(std::move(key), entry{std::move(value), expires});
        return true;
    }

    /// Locked.
    void make_room(time_point now) {
        if (policy_ == when_full::clear) {
            entries_.clear();
            return;
        }
        std::erase_if(entries_, [&](const auto& e) { return e.second.expires <= now; });
        const std::size_t target = capacity_ - capacity_ / 10 - 1;
        while (!entries_.empty() && entries_.size() > target) entries_.erase(entries_.begin());
    }

    const clock& clock_;
    const std::chrono::milliseconds max_age_;
    const std::size_t capacity_;
    const when_full policy_;
    mutable std::mutex mutex_;
    std::uint64_t generation_ = 0;                  // guarded by mutex_
    std::unordered_map<Key, entry, Hash> entries_;  // guarded by mutex_
};

}  // namespace marconi
