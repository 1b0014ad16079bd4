// Marconi.
#include "core/metadata_cache.hpp"

namespace marconi::core {

std::string metadata_cache::key_of(const queue_address& queue) {
    // Project ids may contain any byte but NUL cannot come through an HTTP header.
    std::string key = queue.project.value();
    key += '\0';
    key += queue.name.value();
    return key;
}

std::shared_ptr<const cached_queue> metadata_cache::find(const queue_address& queue) const {
    const auto key = key_of(queue);
    const auto now = clock_.now();
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.expires <= now) return nullptr;
    return it->second.value;
}

void metadata_cache::insert(const queue_address& queue, std::shared_ptr<const cached_queue> value,
                            std::uint64_t read_generation) {
    if (max_age_.count() <= 0) return;  // caching is off
    auto key = key_of(queue);
    const auto expires = clock_.now() + max_age_;
    std::lock_guard lock(mutex_);
    // Checked under the lock that invalidate() also takes, so no invalidation can slip between
    // this check and the store.
    if (generation_.load() != read_generation) return;
    if (entries_.size() >= capacity_ && !entries_.contains(key)) {
        // Dropping everything is crude but O(1) amortized and keeps memory bounded; the hot
        // queues come back on their next request.
        entries_.clear();
    }
    entries_.insert_or_assign(std::move(key), entry{std::move(value), expires});
}

void metadata_cache::invalidate(const queue_address& queue) {
    const auto key = key_of(queue);
    std::lock_guard lock(mutex_);
    ++generation_;
    entries_.erase(key);
}

}  // namespace marconi::core
