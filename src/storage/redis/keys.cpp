// Marconi. Redis key names.
#include "storage/redis/keys.hpp"

#include <algorithm>
#include <cstdio>
#include <random>

namespace marconi::storage::redis {

namespace {

constexpr std::array<std::string_view, 8> queue_key_suffixes{
    "q", "messages", "meta", "bodies", "expiry", "claims", "dl_outbox", "dl_seen"};
constexpr std::array<std::string_view, 5> subscription_key_suffixes{
    "subs", "sub_data", "subscribers", "sub_expiry", "sub_seq"};

/// Project ids are free text: a '}' would end the hash tag early, so it (and '%', to stay
/// reversible) is percent-encoded. Queue names cannot contain '/', which keeps
/// "project/queue" unambiguous.
std::string escape_project(std::string_view project) {
    std::string out;
    out.reserve(project.size());
    for (char c : project) {
        if (c == '%') {
            out += "%25";
        } else if (c == '}') {
            out += "%7D";
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

std::string key_space::queue_prefix(const core::queue_address& queue) const {
    return prefix_ + ":{" + escape_project(queue.project.value()) + "/" + queue.name.value() + "}:";
}

std::array<std::string, 8> key_space::queue_keys(const core::queue_address& queue) const {
    const auto prefix = queue_prefix(queue);
    std::array<std::string, 8> keys;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        keys[i] = prefix;
        keys[i] += queue_key_suffixes[i];
    }
    return keys;
}

std::array<std::string, 5> key_space::subscription_keys(const core::queue_address& source) const {
    const auto prefix = queue_prefix(source);
    std::array<std::string, 5> keys;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        keys[i] = prefix;
        keys[i] += subscription_key_suffixes[i];
    }
    return keys;
}

std::string key_space::queue_record(const core::queue_address& queue) const {
    return queue_prefix(queue) + std::string{queue_key_suffixes[0]};
}

std::string key_space::project_index(const core::project_id& project) const {
    return prefix_ + ":{" + escape_project(project.value()) + "}:queues";
}

bool is_valid_id(std::string_view id) {
    return id.size() == 24 && std::all_of(id.begin(), id.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

std::string random_tag() {
    thread_local std::mt19937 engine{std::random_device{}()};
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(engine()));
    return hex;
}

}  // namespace marconi::storage::redis
