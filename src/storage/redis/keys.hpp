// Marconi. Redis key names. Every key of a queue starts with the same "{project/queue}" hash
// tag, so a queue lives in one Cluster slot and one script can touch all of it. All keys start
// with a prefix ("marconi" unless the URI says otherwise), so deployments can share a server.
#pragma once

#include "storage/contract/ids.hpp"

#include <array>
#include <string>
#include <string_view>

namespace marconi::storage::redis {

class key_space {
public:
    explicit key_space(std::string prefix) : prefix_(std::move(prefix)) {}

    /// Every key a script takes, in scripts.hpp's KEYS order.
    std::array<std::string, 8> queue_keys(const core::queue_address& queue) const;
    /// The queue record alone (metadata): for plain reads without a script.
    std::string queue_record(const core::queue_address& queue) const;
    /// The project's queue names (a zset read in lexical order), under the project's own tag.
    std::string project_index(const core::project_id& project) const;
    /// Every key a subscription script takes, in subscription_scripts.hpp's KEYS order: under
    /// the source queue's (or topic's) tag, beside its messages.
    std::array<std::string, 5> subscription_keys(const core::queue_address& source) const;
    /// Every project that has had a queue: what garbage collection walks.
    std::string projects() const { return prefix_ + ":projects"; }

private:
    std::string queue_prefix(const core::queue_address& queue) const;

    std::string prefix_;
};

/// Message, claim and subscription ids: 16 hex digits of a counter and 8 of a random tag.
bool is_valid_id(std::string_view id);
/// 8 random lowercase hex digits: the tag of a new id. Thread-safe.
std::string random_tag();

}  // namespace marconi::storage::redis
