// Marconi. The Lua scripts that make each multi-key step atomic on the Redis server.
#pragma once

#include "storage/redis/lua_script.hpp"

namespace marconi::storage::redis::scripts {

/// Every script takes the same KEYS, all under one queue's hash tag (one Cluster slot):
///   1 record    hash: metadata, created, seq (the queue's id counter)
///   2 messages  zset: message id -> seq (post order)
///   3 meta      hash: message id -> msgpack(created, expires, visible_at, claim id or '',
///                                           claim_expires, claim_count, client id)
///   4 bodies    hash: message id -> body JSON text
///   5 expiry    zset: message id -> expires (what garbage collection walks)
///   6 claims    hash: claim id -> msgpack(created, expires, message ids...)
///   7 dl_outbox hash: message id -> msgpack(body, client, expires): dead letters on their way
///   8 dl_seen   zset: "source/id" -> when received: makes dead-letter delivery idempotent
/// ARGV[1] is always the caller's clock in milliseconds: the server's clock is never used, so
/// every head (and the tests' manual clock) decides expiry the same way.
/// Domain failures come back as error replies "MARCONI <code>".

/// Each is the shared prelude followed by the script's body.
using script = lua_script;

extern const script create_queue;
extern const script set_metadata;
extern const script delete_queue;
extern const script purge;
extern const script stats;
extern const script post;
extern const script list;
extern const script get;
extern const script delete_one;
extern const script delete_many;
extern const script pop;
extern const script claim;
extern const script get_claim;
extern const script update_claim;
extern const script delete_claim;
extern const script dead_letter_take;
extern const script dead_letter_accept;
extern const script dead_letter_ack;
extern const script collect_garbage;

}  // namespace marconi::storage::redis::scripts
