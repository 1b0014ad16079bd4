// Marconi. A bounded cache of parsed queue metadata, so posts and claims do not read and parse
// the queue's metadata on every request.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "common/clock.hpp"
#include "common/expiring_cache.hpp"
#include "common/project_key.hpp"
#include "core/queue_settings.hpp"
#include "storage/contract/ids.hpp"

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
/// Full, it starts over (when_full::clear).
class metadata_cache {
public:
    metadata_cache(const clock& clock, std::chrono::milliseconds max_age, std::size_t capacity)
        : entries_(clock, max_age, capacity, when_full::clear) {}

    std::shared_ptr<const cached_queue> find(const queue_address& queue) const {
        return entries_.find(key_of(queue.project.value(), queue.name.value())).value_or(nullptr);
    }

    /// Call before reading from storage; pass the value to insert().
    std::uint64_t generation() const { return entries_.generation(); }
    void insert(const queue_address& queue, std::shared_ptr<const cached_queue> entry,
                std::uint64_t read_generation) {
        entries_.insert_if_unchanged(key_of(queue.project.value(), queue.name.value()),
                                     std::move(entry), read_generation);
    }
    void invalidate(const queue_address& queue) {
        entries_.erase(key_of(queue.project.value(), queue.name.value()));
    }

private:
    expiring_cache<std::string, std::shared_ptr<const cached_queue>> entries_;
};

}  // namespace marconi::core
