// Marconi. The Lua scripts that keep subscriptions in Redis, one atomic step each.
#pragma once

#include "storage/redis/lua_script.hpp"

namespace marconi::storage::redis::subscription_scripts {

/// Every script takes the same KEYS, all under the source queue's hash tag (one Cluster slot):
///   1 subs        zset: subscription id -> seq (creation order)
///   2 sub_data    hash: subscription id -> msgpack(subscriber, created, expires, ttl,
///                                                  options JSON, confirmed 0/1)
///   3 subscribers hash: subscriber URI -> subscription id (uniqueness per source)
///   4 sub_expiry  zset: subscription id -> expires (what the writes sweep)
///   5 sub_seq     string: the source's subscription counter
/// ARGV[1] is the caller's clock in milliseconds. A subscription is emitted as 7 fields:
/// id, subscriber, created, expires, ttl, options, confirmed. Domain failures are error replies
/// "MARCONI subscription_not_found" and "MARCONI subscription_exists". Every write first
/// removes a few expired subscriptions of the source, so they do not pile up.

extern const lua_script create;
extern const lua_script list;
extern const lua_script get;
extern const lua_script update;
extern const lua_script remove_one;
extern const lua_script confirm;

/// Fields per subscription in list and get replies.
inline constexpr std::size_t fields = 7;

}  // namespace marconi::storage::redis::subscription_scripts
