// Marconi. Subscriptions in the Redis message store: arguments in, replies out.
#include "storage/redis/redis_subscription_store.hpp"

#include "storage/contract/errors.hpp"
#include "storage/redis/replica_wait.hpp"
#include "storage/redis/subscription_scripts.hpp"

#include <spdlog/spdlog.h>

#include <charconv>

namespace marconi::storage::redis {

namespace {

namespace scripts = subscription_scripts;

time_point at(const reply& r) { return time_point{std::chrono::milliseconds{r.as_integer()}}; }

core::subscription read_subscription(const std::vector<reply>& f, std::size_t from) {
    core::subscription s;
    s.id = core::subscription_id{f.at(from).as_string()};
    s.subscriber = f.at(from + 1).as_string();
    s.created = at(f.at(from + 2));
    s.expires = at(f.at(from + 3));
    s.ttl = f.at(from + 4).as_integer();
    s.options_json = f.at(from + 5).as_string();
    s.confirmed = f.at(from + 6).as_integer() != 0;
    return s;
}

/// The decimal counter in an id's first 16 hex digits: where a listing resumes.
std::string seq_of(const std::string& id) {
    if (!is_valid_id(id)) errors::invalid_marker();
    std::uint64_t seq = 0;
    std::from_chars(id.data(), id.data() + 16, seq, 16);
    return std::to_string(seq);
}

}  // namespace

net::awaitable<reply> redis_subscription_store::eval(const lua_script& script,
                                                     const core::queue_address& source,
                                                     const core::subscription_id& id,
                                                     std::vector<std::string> args) {
    auto keys = keys_.subscription_keys(source);
    std::vector<std::string> key_list{keys.begin(), keys.end()};
    args.insert(args.begin(), std::to_string(clock_.now().time_since_epoch().count()));
    auto answer = co_await run_script(redis_, script, std::move(key_list), std::move(args));
    if (answer.is_error()) {
        if (answer.error_code() == "MARCONI") {
            const auto code = std::string_view{answer.text}.substr(8);
            if (code == "subscription_not_found") errors::subscription_not_found(id);
            if (code == "subscription_exists") errors::subscription_exists();
        }
        spdlog::error("redis: script {} failed: {}", script.name, answer.text);
        throw core::error{core::errc::unavailable,
                          "The message store is not available right now; try again."};
    }
    if (script.kind == lua_script::access::writes) {
        co_await wait_for_replicas(redis_, keys.front(), wait_replicas_);
    }
    co_return answer;
}

net::awaitable<core::subscription_created> redis_subscription_store::create_subscription(
    core::queue_address source, core::new_subscription subscription) {
    std::vector<std::string> args{
        random_tag(), std::move(subscription.subscriber), std::to_string(subscription.ttl),
        std::move(subscription.options_json), subscription.confirmed ? "1" : "0"};
    const core::subscription_id no_id;
    auto answer = co_await eval(scripts::create, source, no_id, std::move(args));
    const auto& f = answer.as_array();
    co_return core::subscription_created{core::subscription_id{f.at(0).as_string()},
                                         f.at(1).as_integer() == 1, f.at(2).as_integer() != 0};
}

net::awaitable<std::vector<core::subscription>> redis_subscription_store::list_subscriptions(
    core::queue_address source, std::optional<std::string> marker, std::int64_t limit) {
    std::vector<core::subscription> out;
    const auto after = marker ? seq_of(*marker) : std::string{"0"};
    if (limit <= 0) co_return out;
    std::vector<std::string> args{after, std::to_string(limit)};
    const core::subscription_id no_id;
    auto answer = co_await eval(scripts::list, source, no_id, std::move(args));
    const auto& f = answer.as_array();
    for (std::size_t i = 0; i + scripts::fields <= f.size(); i += scripts::fields) {
        out.push_back(read_subscription(f, i));
    }
    co_return out;
}

net::awaitable<std::optional<core::subscription>> redis_subscription_store::get_subscription(
    core::queue_address source, core::subscription_id id) {
    if (!is_valid_id(id.value())) co_return std::nullopt;
    std::vector<std::string> args{id.value()};
    auto answer = co_await eval(scripts::get, source, id, std::move(args));
    const auto& f = answer.as_array();
    if (f.size() < scripts::fields) co_return std::nullopt;
    co_return read_subscription(f, 0);
}

net::awaitable<void> redis_subscription_store::update_subscription(
    core::queue_address source, core::subscription_id id, core::subscription_update update) {
    if (!is_valid_id(id.value())) errors::subscription_not_found(id);
    auto flag = [](bool has) { return std::string{has ? "1" : "0"}; };
    std::vector<std::string> args{id.value(),
                                  flag(update.subscriber.has_value()),
                                  update.subscriber.value_or(""),
                                  flag(update.ttl.has_value()),
                                  std::to_string(update.ttl.value_or(0)),
                                  flag(update.options_json.has_value()),
                                  update.options_json.value_or("")};
    co_await eval(scripts::update, source, id, std::move(args));
}

net::awaitable<void> redis_subscription_store::delete_subscription(core::queue_address source,
                                                                   core::subscription_id id) {
    if (!is_valid_id(id.value())) co_return;
    std::vector<std::string> args{id.value()};
    co_await eval(scripts::remove_one, source, id, std::move(args));
}

net::awaitable<void> redis_subscription_store::confirm_subscription(core::queue_address source,
                                                                    core::subscription_id id,
                                                                    bool confirmed) {
    if (!is_valid_id(id.value())) errors::subscription_not_found(id);
    std::vector<std::string> args{id.value(), confirmed ? "1" : "0"};
    co_await eval(scripts::confirm, source, id, std::move(args));
}

}  // namespace marconi::storage::redis
