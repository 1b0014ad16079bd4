// Marconi. Lua for the Redis message store. Each script runs atomically on the server; the
// prelude holds what they share. Messages are emitted as 6 fields each:
// id, body, created, expires, live claim id or '', claim_count.
#include "storage/redis/scripts.hpp"

namespace marconi::storage::redis::scripts {

namespace {

constexpr const char* prelude = R"lua(
local now = tonumber(ARGV[1])
local K_RECORD, K_MESSAGES, K_META, K_BODIES, K_EXPIRY, K_CLAIMS, K_DL_OUTBOX, K_DL_SEEN =
    KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local CREATED, EXPIRES, VISIBLE, CLAIM, CLAIM_EXPIRES, CLAIM_COUNT, CLIENT = 1, 2, 3, 4, 5, 6, 7

local function fail(code) return redis.error_reply('MARCONI ' .. code) end

local function load(id)
    local raw = redis.call('HGET', K_META, id)
    if not raw then return nil end
    return {cmsgpack.unpack(raw)}
end

local function store(id, m)
    redis.call('HSET', K_META, id, cmsgpack.pack(m[1], m[2], m[3], m[4], m[5], m[6], m[7]))
end

local function live(m) return m ~= nil and m[EXPIRES] > now end
local function claimed(m) return m[CLAIM] ~= '' and m[CLAIM_EXPIRES] > now end
local function claimable(m) return live(m) and m[VISIBLE] <= now and not claimed(m) end

local function emit(out, id, m)
    out[#out + 1] = id
    out[#out + 1] = redis.call('HGET', K_BODIES, id)
    out[#out + 1] = m[CREATED]
    out[#out + 1] = m[EXPIRES]
    out[#out + 1] = claimed(m) and m[CLAIM] or ''
    out[#out + 1] = m[CLAIM_COUNT]
end

local function remove(id)
    redis.call('ZREM', K_MESSAGES, id)
    redis.call('HDEL', K_META, id)
    redis.call('HDEL', K_BODIES, id)
    redis.call('ZREM', K_EXPIRY, id)
end

local function ensure_queue()
    if redis.call('EXISTS', K_RECORD) == 1 then return 0 end
    redis.call('HSET', K_RECORD, 'metadata', '{}', 'created', now, 'seq', 0)
    return 1
end

local function next_ids(count)
    return redis.call('HINCRBY', K_RECORD, 'seq', count) - count
end

local function insert(seq, tag, created, expires, visible, client, body)
    local id = string.format('%016x', seq) .. tag
    redis.call('ZADD', K_MESSAGES, seq, id)
    store(id, {created, expires, visible, '', 0, 0, client})
    redis.call('HSET', K_BODIES, id, body)
    redis.call('ZADD', K_EXPIRY, expires, id)
    return id
end

-- Calls visit(id, m) for messages after `after_seq` in post order until it returns true.
local function walk(after_seq, visit)
    local from = '(' .. after_seq
    while true do
        local page = redis.call('ZRANGEBYSCORE', K_MESSAGES, from, '+inf', 'WITHSCORES',
                                'LIMIT', 0, 64)
        if #page == 0 then return end
        for i = 1, #page, 2 do
            from = '(' .. page[i + 1]
            if visit(page[i], load(page[i])) then return end
        end
    end
end

local function claim_record(cid)
    local raw = redis.call('HGET', K_CLAIMS, cid)
    if not raw then return nil end
    return {cmsgpack.unpack(raw)}
end

local function claim_live(cid)
    local c = claim_record(cid)
    return c ~= nil and c[2] > now
end
)lua";

script make(std::string_view name, const char* body,
            lua_script::access kind = lua_script::access::writes) {
    return script{name, std::string{prelude} + body, kind};
}

constexpr auto reads = lua_script::access::reads;

}  // namespace

// ARGV: now, metadata. Returns 1 when created, 0 when it existed.
const script create_queue = make("create_queue", R"lua(
if ensure_queue() == 0 then return 0 end
redis.call('HSET', K_RECORD, 'metadata', ARGV[2])
return 1
)lua");

// ARGV: now, metadata.
const script set_metadata = make("set_metadata", R"lua(
if redis.call('EXISTS', K_RECORD) == 0 then return fail('queue_not_found') end
redis.call('HSET', K_RECORD, 'metadata', ARGV[2])
return 1
)lua");

// ARGV: now. UNLINK frees big queues off the server's main thread.
const script delete_queue = make("delete_queue", R"lua(
redis.call('UNLINK', K_RECORD, K_MESSAGES, K_META, K_BODIES, K_EXPIRY, K_CLAIMS, K_DL_OUTBOX,
           K_DL_SEEN)
return 1
)lua");

// ARGV: now. Keeps the record (and its id counter, so old markers stay behind new messages).
const script purge = make("purge", R"lua(
redis.call('UNLINK', K_MESSAGES, K_META, K_BODIES, K_EXPIRY, K_CLAIMS, K_DL_OUTBOX)
return 1
)lua");

// ARGV: now. Returns {free, claimed, total, oldest id, oldest created, newest id, newest created}.
const script stats = make("stats", R"lua(
local free, taken = 0, 0
local oldest, oldest_created, newest, newest_created = '', 0, '', 0
walk(0, function(id, m)
    if live(m) then
        if claimed(m) then taken = taken + 1 else free = free + 1 end
        if oldest == '' then oldest, oldest_created = id, m[CREATED] end
        newest, newest_created = id, m[CREATED]
    end
    return false
end)
return {free, taken, free + taken, oldest, oldest_created, newest, newest_created}
)lua",
                          reads);

// ARGV: now, client, then per message: tag, ttl ms, delay ms, body.
// Returns {queue created (0/1), ids...}.
const script post = make("post", R"lua(
local created = ensure_queue()
local count = (#ARGV - 2) / 4
local seq = next_ids(count)
local out = {created}
for i = 0, count - 1 do
    local a = 3 + i * 4
    out[#out + 1] = insert(seq + i + 1, ARGV[a], now, now + tonumber(ARGV[a + 1]),
                           now + tonumber(ARGV[a + 2]), ARGV[2], ARGV[a + 3])
end
return out
)lua");

// ARGV: now, after seq, limit, include_delayed, include_claimed, echo, client (flags '0'/'1').
const script list = make("list", R"lua(
local limit = tonumber(ARGV[3])
local delayed, with_claimed, echo = ARGV[4] == '1', ARGV[5] == '1', ARGV[6] == '1'
local out, found = {}, 0
if limit <= 0 then return out end
walk(tonumber(ARGV[2]), function(id, m)
    if live(m) and (delayed or m[VISIBLE] <= now) and (with_claimed or not claimed(m))
            and (echo or m[CLIENT] ~= ARGV[7]) then
        emit(out, id, m)
        found = found + 1
    end
    return found >= limit
end)
return out
)lua",
                         reads);

// ARGV: now, ids... Live messages among them, in the order given.
const script get = make("get", R"lua(
local out = {}
for i = 2, #ARGV do
    local m = load(ARGV[i])
    if live(m) then emit(out, ARGV[i], m) end
end
return out
)lua",
                        reads);

// ARGV: now, id, claim id ('' when none was given). The rules of data_driver::delete_message.
const script delete_one = make("delete_one", R"lua(
local id, cid = ARGV[2], ARGV[3]
local m = load(id)
if not live(m) then return 0 end
if claimed(m) then
    if cid == '' then return fail('message_claimed') end
    if not claim_live(cid) then return fail('claim_invalid') end
    if m[CLAIM] ~= cid then return fail('message_claimed') end
elseif cid ~= '' then
    if not claim_live(cid) then return fail('claim_invalid') end
    return fail('message_not_claimed')
end
remove(id)
return 1
)lua");

// ARGV: now, with claims ('0'/'1'), claim count n, n claim ids, then message ids. Checks every
// message before deleting any, so a failure deletes nothing.
const script delete_many = make("delete_many", R"lua(
local with_claims = ARGV[2] == '1'
local n = tonumber(ARGV[3])
local held = {}
for i = 4, 3 + n do
    if claim_live(ARGV[i]) then held[ARGV[i]] = true end
end
local doomed = {}
for i = 4 + n, #ARGV do
    local m = load(ARGV[i])
    if live(m) then
        if with_claims and not (claimed(m) and held[m[CLAIM]]) then
            return fail('claim_invalid')
        end
        doomed[#doomed + 1] = ARGV[i]
    end
end
for _, id in ipairs(doomed) do remove(id) end
return #doomed
)lua");

// ARGV: now, limit. Removes and returns the oldest claimable messages.
const script pop = make("pop", R"lua(
local limit = tonumber(ARGV[2])
local out, taken = {}, {}
if limit <= 0 then return out end
walk(0, function(id, m)
    if claimable(m) then
        emit(out, id, m)
        taken[#taken + 1] = id
    end
    return #taken >= limit
end)
for _, id in ipairs(taken) do remove(id) end
return out
)lua");

// ARGV: now, claim tag, ttl ms, grace ms, limit, max claim count (0: no dead-lettering),
// dead-letter ttl ms (-1: keep the message's expiry).
// Returns {claim id or '', created, expires, dead letters waiting, messages...}.
const script claim = make("claim", R"lua(
if redis.call('EXISTS', K_RECORD) == 0 then return {'', 0, 0, 0} end
local ttl, grace, limit = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local max_claims, dl_ttl = tonumber(ARGV[6]), tonumber(ARGV[7])
local expires, min_life = now + ttl, now + ttl + grace
local cid = string.format('%016x', next_ids(1) + 1) .. ARGV[2]
local taken, held = {}, {}
if limit > 0 then
    walk(0, function(id, m)
        if not claimable(m) then return false end
        if max_claims > 0 and m[CLAIM_COUNT] >= max_claims then
            local dl_expires = dl_ttl >= 0 and now + dl_ttl or m[EXPIRES]
            redis.call('HSET', K_DL_OUTBOX, id,
                       cmsgpack.pack(redis.call('HGET', K_BODIES, id), m[CLIENT], now, dl_expires))
            remove(id)
            return false
        end
        m[CLAIM], m[CLAIM_EXPIRES], m[CLAIM_COUNT] = cid, expires, m[CLAIM_COUNT] + 1
        if m[EXPIRES] < min_life then
            m[EXPIRES] = min_life
            redis.call('ZADD', K_EXPIRY, min_life, id)
        end
        store(id, m)
        taken[#taken + 1] = id
        held[#held + 1] = m
        return #taken >= limit
    end)
end
local waiting = redis.call('HLEN', K_DL_OUTBOX)
if #taken == 0 then return {'', 0, 0, waiting} end
redis.call('HSET', K_CLAIMS, cid, cmsgpack.pack(now, expires, unpack(taken)))
local out = {cid, now, expires, waiting}
for i, id in ipairs(taken) do emit(out, id, held[i]) end
return out
)lua");

// ARGV: now, claim id. Returns {created, expires, messages...}.
const script get_claim = make("get_claim", R"lua(
local c = claim_record(ARGV[2])
if c == nil or c[2] <= now then return fail('claim_not_found') end
local out = {c[1], c[2]}
for i = 3, #c do
    local m = load(c[i])
    if live(m) and claimed(m) and m[CLAIM] == ARGV[2] then emit(out, c[i], m) end
end
return out
)lua",
                              reads);

// ARGV: now, claim id, ttl ms, grace ms. A claim's age restarts at each update, as in Zaqar.
const script update_claim = make("update_claim", R"lua(
local cid = ARGV[2]
local c = claim_record(cid)
if c == nil or c[2] <= now then return fail('claim_not_found') end
local expires = now + tonumber(ARGV[3])
local min_life = expires + tonumber(ARGV[4])
c[1], c[2] = now, expires
redis.call('HSET', K_CLAIMS, cid, cmsgpack.pack(unpack(c)))
for i = 3, #c do
    local m = load(c[i])
    if live(m) and m[CLAIM] == cid then
        m[CLAIM_EXPIRES] = expires
        if m[EXPIRES] < min_life then
            m[EXPIRES] = min_life
            redis.call('ZADD', K_EXPIRY, min_life, c[i])
        end
        store(c[i], m)
    end
end
return 1
)lua");

// ARGV: now, claim id. Releases its messages at once.
const script delete_claim = make("delete_claim", R"lua(
local cid = ARGV[2]
local c = claim_record(cid)
if c == nil then return 0 end
for i = 3, #c do
    local m = load(c[i])
    if m ~= nil and m[CLAIM] == cid then
        m[CLAIM], m[CLAIM_EXPIRES] = '', 0
        store(c[i], m)
    end
end
redis.call('HDEL', K_CLAIMS, cid)
return 1
)lua");

// Dead letters cross queues, so they move in three steps that each stay in one slot: claim
// puts them in the source's outbox, accept adds them to the dead-letter queue (once, thanks to
// dl_seen), ack empties the outbox. A crash in between leaves them in the outbox, and the next
// claim on the source delivers them again.

// ARGV: now. Returns {id, body, client, moved at, expires, ...} for up to 100 dead letters.
const script dead_letter_take = make("dead_letter_take", R"lua(
local out = {}
local fields = redis.call('HGETALL', K_DL_OUTBOX)
for i = 1, math.min(#fields, 200), 2 do
    local body, client, moved_at, expires = cmsgpack.unpack(fields[i + 1])
    out[#out + 1] = fields[i]
    out[#out + 1] = body
    out[#out + 1] = client
    out[#out + 1] = moved_at
    out[#out + 1] = expires
end
return out
)lua",
                                     reads);

// Runs on the dead-letter queue. ARGV: now, source queue, then per message: source id, tag,
// moved at, expires, client, body. The message is created when it was moved, so its ttl reads
// as the policy set it. Returns 1 when the queue was created.
const script dead_letter_accept = make("dead_letter_accept", R"lua(
local created = ensure_queue()
local count = (#ARGV - 2) / 6
for i = 0, count - 1 do
    local a = 3 + i * 6
    if redis.call('ZADD', K_DL_SEEN, 'NX', now, ARGV[2] .. '/' .. ARGV[a]) == 1 then
        insert(next_ids(1) + 1, ARGV[a + 1], tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]), now,
               ARGV[a + 4], ARGV[a + 5])
    end
end
-- A redelivery can only follow a crash within seconds; a day of memory is plenty.
redis.call('ZREMRANGEBYSCORE', K_DL_SEEN, '-inf', now - 86400000)
return created
)lua");

// ARGV: now, ids delivered.
const script dead_letter_ack = make("dead_letter_ack", R"lua(
for i = 2, #ARGV do redis.call('HDEL', K_DL_OUTBOX, ARGV[i]) end
return 1
)lua");

// ARGV: now, limit. Removes expired messages and claims; returns how many records went.
const script collect_garbage = make("collect_garbage", R"lua(
local removed = 0
local expired = redis.call('ZRANGEBYSCORE', K_EXPIRY, '-inf', now, 'LIMIT', 0,
                           tonumber(ARGV[2]))
for _, id in ipairs(expired) do
    remove(id)
    removed = removed + 1
end
local claims = redis.call('HGETALL', K_CLAIMS)
for i = 1, #claims, 2 do
    local c = {cmsgpack.unpack(claims[i + 1])}
    if c[2] <= now then
        for j = 3, #c do
            local m = load(c[j])
            if m ~= nil and m[CLAIM] == claims[i] then
                m[CLAIM], m[CLAIM_EXPIRES] = '', 0
                store(c[j], m)
            end
        end
        redis.call('HDEL', K_CLAIMS, claims[i])
        removed = removed + 1
    end
end
return removed
)lua");

}  // namespace marconi::storage::redis::scripts
