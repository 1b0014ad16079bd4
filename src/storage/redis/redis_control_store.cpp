// Marconi. The control store on Redis. Keys (all under the {control} tag):
//   pools         hash  pool name -> JSON {uri, weight, flavor, options}
//   pool_names    zset  pool names, read in lexical order
//   flavors:<p>   zset  project p's flavor names
//   catalog       hash  "project/queue" -> pool name (queue names cannot hold '/')
//   pool_queues   hash  pool name -> how many queues the catalog places there
#include "storage/redis/redis_control_store.hpp"

#include "storage/contract/error.hpp"
#include "storage/redis/lua_script.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

namespace marconi::storage::redis {

namespace {

namespace json = boost::json;

// KEYS: pools, pool_names. ARGV: name, record. Returns 1 when created.
const lua_script create_pool_script{"create_pool", R"lua(
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], 0, ARGV[1])
return 1
)lua"};

// KEYS: pools. ARGV: name, record. Returns 1 when the pool existed.
const lua_script update_pool_script{"update_pool", R"lua(
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
)lua"};

// KEYS: pools, pool_names. ARGV: name.
const lua_script delete_pool_script{"delete_pool", R"lua(
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
)lua"};

// KEYS: catalog, pool_queues. ARGV: "project/queue", pool. Returns the pool it is in.
const lua_script register_script{"register_queue", R"lua(
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then return current end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
return ARGV[2]
)lua"};

// KEYS: catalog, pool_queues. ARGV: "project/queue".
const lua_script unregister_script{"unregister_queue", R"lua(
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HINCRBY', KEYS[2], current, -1)
return 1
)lua"};

std::string encode_pool(const core::pool_record& pool) {
    json::object o;
    o["uri"] = pool.uri;
    o["weight"] = pool.weight;
    o["flavor"] = pool.flavor ? json::value(*pool.flavor) : json::value(nullptr);
    o["options"] = pool.options_json;
    return json::serialize(o);
}

core::pool_record decode_pool(std::string name, const std::string& text) {
    boost::system::error_code ec;
    auto value = json::parse(text, ec);
    const auto* o = value.if_object();
    const bool complete = !ec && o && o->contains("uri") && o->contains("weight") &&
                          o->contains("flavor") && o->contains("options") &&
                          o->at("uri").is_string() && o->at("options").is_string();
    if (!complete) {
        spdlog::error("redis: pool {} has an unreadable record", name);
        throw core::error{core::errc::unavailable, "The control store holds a damaged pool."};
    }
    core::pool_record pool;
    pool.name = std::move(name);
    pool.uri = std::string{o->at("uri").as_string()};
    pool.weight = o->at("weight").to_number<std::int64_t>();
    if (o->at("flavor").is_string()) pool.flavor = std::string{o->at("flavor").as_string()};
    pool.options_json = std::string{o->at("options").as_string()};
    return pool;
}

std::string catalog_field(const core::queue_address& queue) {
    return queue.project.value() + "/" + queue.name.value();
}

std::string lex_after(const std::optional<std::string>& marker) {
    return marker ? "(" + *marker : "-";
}

}  // namespace

redis_control_store::redis_control_store(redis_settings settings)
    : prefix_(settings.prefix + ":{control}:"),
      client_(std::make_unique<client>(std::move(settings.client))) {}

std::string redis_control_store::flavors_key(const core::project_id& project) const {
    return prefix_ + "flavors:" + project.value();
}

net::awaitable<reply> redis_control_store::call(std::vector<std::string> args) {
    command cmd{std::move(args), prefix_};  // every key shares the {control} slot
    auto answer = co_await client_->execute(std::move(cmd));
    if (answer.is_error()) {
        spdlog::error("redis: control store command failed: {}", answer.text);
        throw core::error{core::errc::unavailable,
                          "The control store is not available right now; try again."};
    }
    co_return answer;
}

net::awaitable<reply> redis_control_store::script(const lua_script& s,
                                                  std::vector<std::string> keys,
                                                  std::vector<std::string> args) {
    auto answer = co_await run_script(*client_, s, std::move(keys), std::move(args));
    if (answer.is_error()) {
        spdlog::error("redis: control script {} failed: {}", s.name, answer.text);
        throw core::error{core::errc::unavailable,
                          "The control store is not available right now; try again."};
    }
    co_return answer;
}

// --- pools ----------------------------------------------------------------------------------

net::awaitable<bool> redis_control_store::create_pool(core::pool_record pool) {
    std::vector<std::string> keys{key("pools"), key("pool_names")};
    std::vector<std::string> args{pool.name, encode_pool(pool)};
    auto created = co_await script(create_pool_script, std::move(keys), std::move(args));
    co_return created.as_integer() == 1;
}

net::awaitable<std::optional<core::pool_record>> redis_control_store::get_pool(std::string name) {
    std::vector<std::string> args{"HGET", key("pools"), name};
    auto answer = co_await call(std::move(args));
    if (answer.is_nil()) co_return std::nullopt;
    co_return decode_pool(std::move(name), answer.as_string());
}

net::awaitable<std::vector<core::pool_record>> redis_control_store::list_pools(
    std::optional<std::string> marker, std::int64_t limit) {
    std::vector<core::pool_record> out;
    if (limit <= 0) co_return out;
    std::vector<std::string> range{
        "ZRANGEBYLEX", key("pool_names"),    lex_after(marker), "+", "LIMIT",
        "0",           std::to_string(limit)};
    auto names = co_await call(std::move(range));
    if (names.as_array().empty()) co_return out;
    std::vector<std::string> get{"HMGET", key("pools")};
    for (const auto& n : names.as_array()) get.push_back(n.as_string());
    auto records = co_await call(std::move(get));
    const auto& values = records.as_array();
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (values[i].is_nil()) continue;  // deleted between the two reads
        out.push_back(decode_pool(names.as_array()[i].as_string(), values[i].as_string()));
    }
    co_return out;
}

net::awaitable<bool> redis_control_store::update_pool(core::pool_record pool) {
    std::vector<std::string> keys{key("pools")};
    std::vector<std::string> args{pool.name, encode_pool(pool)};
    auto existed = co_await script(update_pool_script, std::move(keys), std::move(args));
    co_return existed.as_integer() == 1;
}

net::awaitable<void> redis_control_store::delete_pool(std::string name) {
    std::vector<std::string> keys{key("pools"), key("pool_names")};
    std::vector<std::string> args{std::move(name)};
    co_await script(delete_pool_script, std::move(keys), std::move(args));
}

// --- flavors --------------------------------------------------------------------------------

net::awaitable<bool> redis_control_store::create_flavor(core::flavor_record flavor) {
    std::vector<std::string> args{"ZADD", flavors_key(flavor.project), "NX", "0", flavor.name};
    auto added = co_await call(std::move(args));
    co_return added.as_integer() == 1;
}

net::awaitable<bool> redis_control_store::flavor_exists(core::flavor_record flavor) {
    std::vector<std::string> args{"ZSCORE", flavors_key(flavor.project), flavor.name};
    auto score = co_await call(std::move(args));
    co_return !score.is_nil();
}

net::awaitable<std::vector<core::flavor_record>> redis_control_store::list_flavors(
    core::project_id project, std::optional<std::string> marker, std::int64_t limit) {
    std::vector<core::flavor_record> out;
    if (limit <= 0) co_return out;
    std::vector<std::string> args{
        "ZRANGEBYLEX", flavors_key(project), lex_after(marker), "+", "LIMIT",
        "0",           std::to_string(limit)};
    auto names = co_await call(std::move(args));
    for (const auto& n : names.as_array()) out.push_back({project, n.as_string()});
    co_return out;
}

net::awaitable<void> redis_control_store::delete_flavor(core::flavor_record flavor) {
    std::vector<std::string> args{"ZREM", flavors_key(flavor.project), flavor.name};
    co_await call(std::move(args));
}

// --- catalog --------------------------------------------------------------------------------

net::awaitable<std::optional<std::string>> redis_control_store::lookup(core::queue_address queue) {
    std::vector<std::string> args{"HGET", key("catalog"), catalog_field(queue)};
    auto answer = co_await call(std::move(args));
    if (answer.is_nil()) co_return std::nullopt;
    co_return answer.as_string();
}

net::awaitable<std::string> redis_control_store::register_queue(core::queue_address queue,
                                                                std::string pool) {
    std::vector<std::string> keys{key("catalog"), key("pool_queues")};
    std::vector<std::string> args{catalog_field(queue), std::move(pool)};
    auto answer = co_await script(register_script, std::move(keys), std::move(args));
    co_return answer.as_string();
}

net::awaitable<void> redis_control_store::unregister_queue(core::queue_address queue) {
    std::vector<std::string> keys{key("catalog"), key("pool_queues")};
    std::vector<std::string> args{catalog_field(queue)};
    co_await script(unregister_script, std::move(keys), std::move(args));
}

net::awaitable<std::int64_t> redis_control_store::count_pool_queues(std::string pool) {
    std::vector<std::string> args{"HGET", key("pool_queues"), std::move(pool)};
    auto answer = co_await call(std::move(args));
    co_return answer.is_nil() ? 0 : answer.as_integer();
}

net::awaitable<bool> redis_control_store::ping() {
    try {
        std::vector<std::string> args{"PING"};
        auto answer = co_await call(std::move(args));
        co_return answer.text == "PONG";
    } catch (const core::error&) {
        co_return false;
    }
}

}  // namespace marconi::storage::redis
