// Marconi. Lua for subscriptions in Redis; the layout is in subscription_scripts.hpp.
#include "storage/redis/subscription_scripts.hpp"

namespace marconi::storage::redis::subscription_scripts {

namespace {

constexpr const char* prelude = R"lua(
local now = tonumber(ARGV[1])
local K_SUBS, K_DATA, K_SUBSCRIBERS, K_EXPIRY, K_SEQ = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local SUBSCRIBER, CREATED, EXPIRES, TTL, OPTIONS, CONFIRMED = 1, 2, 3, 4, 5, 6

local function fail(code) return redis.error_reply('MARCONI ' .. code) end

local function load(id)
    local raw = redis.call('HGET', K_DATA, id)
    if not raw then return nil end
    return {cmsgpack.unpack(raw)}
end

local function store(id, s)
    redis.call('HSET', K_DATA, id, cmsgpack.pack(s[1], s[2], s[3], s[4], s[5], s[6]))
end

local function live(s) return s ~= nil and s[EXPIRES] > now end

local function remove(id, s)
    redis.call('ZREM', K_SUBS, id)
    redis.call('HDEL', K_DATA, id)
    redis.call('ZREM', K_EXPIRY, id)
    if s ~= nil and redis.call('HGET', K_SUBSCRIBERS, s[SUBSCRIBER]) == id then
        redis.call('HDEL', K_SUBSCRIBERS, s[SUBSCRIBER])
    end
end

-- A bounded sweep of expired subscriptions, run by every write.
local function sweep()
    local expired = redis.call('ZRANGEBYSCORE', K_EXPIRY, '-inf', now, 'LIMIT', 0, 16)
    for _, id in ipairs(expired) do remove(id, load(id)) end
end

local function emit(out, id, s)
    out[#out + 1] = id
    out[#out + 1] = s[SUBSCRIBER]
    out[#out + 1] = s[CREATED]
    out[#out + 1] = s[EXPIRES]
    out[#out + 1] = s[TTL]
    out[#out + 1] = s[OPTIONS]
    out[#out + 1] = s[CONFIRMED]
end
)lua";

lua_script make(std::string_view name, const char* body,
                lua_script::access kind = lua_script::access::writes) {
    return lua_script{name, std::string{prelude} + body, kind};
}

constexpr auto reads = lua_script::access::reads;

}  // namespace

// ARGV: now, tag, subscriber, ttl (seconds), options, confirmed (0/1).
// Returns {id, 1 when created or 0 when a live one had this subscriber, its confirmed}.
const lua_script create = make("subscription_create", R"lua(
sweep()
local subscriber = ARGV[3]
local holder = redis.call('HGET', K_SUBSCRIBERS, subscriber)
if holder then
    local s = load(holder)
    if live(s) then return {holder, 0, s[CONFIRMED]} end
    remove(holder, s)
end
local seq = redis.call('INCR', K_SEQ)
local id = string.format('%016x', seq) .. ARGV[2]
local ttl = tonumber(ARGV[4])
local expires = now + ttl * 1000
local confirmed = tonumber(ARGV[6])
store(id, {subscriber, now, expires, ttl, ARGV[5], confirmed})
redis.call('ZADD', K_SUBS, seq, id)
redis.call('ZADD', K_EXPIRY, expires, id)
redis.call('HSET', K_SUBSCRIBERS, subscriber, id)
return {id, 1, confirmed}
)lua");

// ARGV: now, after seq, limit. Live subscriptions in creation order.
const lua_script list = make("subscription_list", R"lua(
local out = {}
local wanted = tonumber(ARGV[3]) * 7
local from = '(' .. ARGV[2]
while #out < wanted do
    local page = redis.call('ZRANGEBYSCORE', K_SUBS, from, '+inf', 'WITHSCORES', 'LIMIT', 0, 64)
    if #page == 0 then break end
    for i = 1, #page, 2 do
        from = '(' .. page[i + 1]
        local s = load(page[i])
        if live(s) then
            emit(out, page[i], s)
            if #out >= wanted then break end
        end
    end
end
return out
)lua",
                             reads);

// ARGV: now, id. The subscription's fields, or an empty array.
const lua_script get = make("subscription_get", R"lua(
local out = {}
local s = load(ARGV[2])
if live(s) then emit(out, ARGV[2], s) end
return out
)lua",
                            reads);

// ARGV: now, id, has subscriber, subscriber, has ttl, ttl, has options, options ('1' = has).
const lua_script update = make("subscription_update", R"lua(
sweep()
local id = ARGV[2]
local s = load(id)
if not live(s) then return fail('subscription_not_found') end
if ARGV[3] == '1' and ARGV[4] ~= s[SUBSCRIBER] then
    local holder = redis.call('HGET', K_SUBSCRIBERS, ARGV[4])
    if holder then
        local h = load(holder)
        if live(h) then return fail('subscription_exists') end
        remove(holder, h)
    end
    if redis.call('HGET', K_SUBSCRIBERS, s[SUBSCRIBER]) == id then
        redis.call('HDEL', K_SUBSCRIBERS, s[SUBSCRIBER])
    end
    redis.call('HSET', K_SUBSCRIBERS, ARGV[4], id)
    s[SUBSCRIBER] = ARGV[4]
end
if ARGV[5] == '1' then
    s[TTL] = tonumber(ARGV[6])
    s[EXPIRES] = now + s[TTL] * 1000
    redis.call('ZADD', K_EXPIRY, s[EXPIRES], id)
end
if ARGV[7] == '1' then s[OPTIONS] = ARGV[8] end
store(id, s)
return 1
)lua");

// ARGV: now, id. Idempotent.
const lua_script remove_one = make("subscription_delete", R"lua(
sweep()
local s = load(ARGV[2])
if s ~= nil then remove(ARGV[2], s) end
return 1
)lua");

// ARGV: now, id, confirmed (0/1).
const lua_script confirm = make("subscription_confirm", R"lua(
local s = load(ARGV[2])
if not live(s) then return fail('subscription_not_found') end
s[CONFIRMED] = tonumber(ARGV[3])
store(ARGV[2], s)
return 1
)lua");

}  // namespace marconi::storage::redis::subscription_scripts
