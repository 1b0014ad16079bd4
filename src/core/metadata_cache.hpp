// Marconi. A bounded cache of parsed queue metadata, so posts and claims do not read and parse
// the queue's metadata on every request.
#pragma once

#include <atomic>
#include <boost/json/object.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/clock.hpp"
#include "storage/contract/ids.hpp"
#include "core/queue_settings.hpp"

namespace marconi::core {

/// What the cache keeps per queue: the stored metadata and the settings it implies.
struct cached_queue {
    boost::json::object metadata;  ///< `{}` for a queue that does not exist (yet)
    queue_settings settings;
};

/// Thread-safe; shared by all io threads. Invalidation is exact for writes made through this
/// process (queue_service calls invalidate() after each metadata write); entries also expire
/// after `max_age`, which bounds how stale a write made by another process can look.
///
/// A read that raced with a write must not re-insert what it read before the write: insert()
/// only stores an entry if no invalidation happened since the matching generation() call.
class metadata_cache {
public:
    metadata_cache(const clock& clock, std::chrono::milliseconds max_age, std::size_t capacity)
        : clock_(clock), max_age_(max_age), capacity_(capacity) {}

    std::shared_ptr<const cached_queue> find(const queue_address& queue) const;

    /// Call before reading from storage; pass the value to insert().
    std::uint64_t generation() const noexcept { return generation_.load(); }
    void insert(const queue_address& queue, std::shared_ptr<const cached_queue> entry,
                std::uint64_t read_generation);
    void invalidate(const queue_address& queue);

private:
    struct entry {
        std::shared_ptr<const cached_queue> value;
        time_point expires;
    };
    static std::string key_of(const queue_address& queue);

    const clock& clock_;
    const std::chrono::milliseconds max_age_;
    const std::size_t capacity_;
    std::atomic<std::uint64_t> generation_{0};
    mutable std::mutex mutex_;
    std::unordered_map<std::string, entry> entries_;  // guarded by mutex_
};

}  // namespace marconi::core
