// Marconi. The Redis message store: argument marshalling around the Lua scripts, the queue
// index (which spans slots, so it is kept outside the scripts), and garbage collection.
#include "storage/redis/redis_driver.hpp"

#include "storage/contract/errors.hpp"
#include "storage/contract/queue_filter.hpp"
#include "storage/redis/keys.hpp"
#include "storage/redis/replica_wait.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

namespace marconi::storage::redis {

namespace {

/// Fields per message in script replies (see scripts.cpp).
constexpr std::size_t message_fields = 6;
/// Queue names read per round trip when listing and collecting garbage.
constexpr std::int64_t index_page = 256;
/// Expired messages removed per queue per garbage-collection script call.
constexpr std::int64_t gc_batch = 1000;

std::string millis(std::int64_t seconds) { return std::to_string(seconds * 1000); }

time_point at(const reply& r) { return time_point{std::chrono::milliseconds{r.as_integer()}}; }

/// The decimal seq in a message id's first 16 hex digits: the listing marker.
std::string marker_of(const core::message_id& id) {
    std::uint64_t seq = 0;
    std::from_chars(id.value().data(), id.value().data() + 16, seq, 16);
    return std::to_string(seq);
}

std::string parse_marker(const std::optional<std::string>& marker) {
    if (!marker) return "0";
    const auto& text = *marker;
    if (text.empty() || text.size() > 18 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        errors::invalid_marker();
    }
    return text;
}

std::vector<core::message> read_messages(const std::vector<reply>& fields, std::size_t from) {
    std::vector<core::message> out;
    out.reserve((fields.size() - from) / message_fields);
    for (std::size_t i = from; i + message_fields <= fields.size(); i += message_fields) {
        core::message m;
        m.id = core::message_id{fields[i].as_string()};
        m.body_json = fields[i + 1].as_string();
        m.created = at(fields[i + 2]);
        m.expires = at(fields[i + 3]);
        if (const auto& claim = fields[i + 4].as_string(); !claim.empty()) {
            m.claim = core::claim_id{claim};
        }
        m.claim_count = fields[i + 5].as_integer();
        out.push_back(std::move(m));
    }
    return out;
}

std::optional<core::message_summary> summary(const reply& id, const reply& created) {
    if (id.as_string().empty()) return std::nullopt;
    return core::message_summary{core::message_id{id.as_string()}, at(created)};
}

[[noreturn]] void raise(const scripts::script& script, const core::queue_address& queue,
                        const reply& answer) {
    if (answer.error_code() == "MARCONI") {
        const auto code = std::string_view{answer.text}.substr(8);
        if (code == "queue_not_found") errors::queue_not_found(queue.name);
        if (code == "claim_not_found") errors::claim_not_found();
        if (code == "claim_invalid") errors::claim_invalid();
        if (code == "message_claimed") errors::message_claimed();
        if (code == "message_not_claimed") errors::message_not_claimed();
    }
    spdlog::error("redis: script {} failed: {}", script.name, answer.text);
    throw core::error{core::errc::unavailable,
                      "The message store is not available right now; try again."};
}

/// The queue's keys, in scripts.hpp's KEYS order.
std::vector<std::string> keys_of(const key_space& space, const core::queue_address& queue) {
    auto keys = space.queue_keys(queue);
    return {std::make_move_iterator(keys.begin()), std::make_move_iterator(keys.end())};
}

/// ARGV for a data script: the clock first, then the script's own arguments.
std::vector<std::string> with_now(std::string now, std::vector<std::string> args) {
    args.insert(args.begin(), std::move(now));
    return args;
}

}  // namespace

redis_driver::redis_driver(redis_settings settings, const clock& clock)
    : clock_(clock),
      keys_(std::move(settings.prefix)),
      wait_replicas_(settings.wait_replicas),
      client_(std::make_unique<client>(std::move(settings.client))),
      subscriptions_(
          std::make_unique<redis_subscription_store>(*client_, keys_, clock_, wait_replicas_)) {}

std::string redis_driver::now_ms() const {
    return std::to_string(clock_.now().time_since_epoch().count());
}

net::awaitable<reply> redis_driver::eval(const scripts::script& script, core::queue_address queue,
                                         std::vector<std::string> args) {
    auto keys = keys_of(keys_, queue);
    auto argv = with_now(now_ms(), std::move(args));
    const auto slot_key = keys.front();
    auto answer = co_await run_script(*client_, script, std::move(keys), std::move(argv));
    if (answer.is_error()) raise(script, queue, answer);
    if (script.kind == lua_script::access::writes) {
        co_await wait_for_replicas(*client_, slot_key, wait_replicas_);
    }
    co_return answer;
}

net::awaitable<void> redis_driver::index_queue(core::queue_address queue) {
    const auto index = keys_.project_index(queue.project);
    std::vector<command> cmds;
    cmds.push_back({{"ZADD", index, "0", queue.name.value()}, index});
    cmds.push_back({{"SADD", keys_.projects(), queue.project.value()}, keys_.projects()});
    const auto answers = co_await client_->execute_all(std::move(cmds));
    for (const auto& answer : answers) {
        if (answer.is_error()) {
            spdlog::error("redis: cannot index queue {}: {}", queue.name.value(), answer.text);
            throw core::error{core::errc::unavailable,
                              "The message store is not available right now; try again."};
        }
    }
}

// --- queues -------------------------------------------------------------------------------

net::awaitable<bool> redis_driver::create_queue(core::queue_address queue,
                                                std::string metadata_json) {
    // Indexed first: a crash in between leaves an index entry without a queue, which listings
    // skip, rather than a queue that no listing shows.
    co_await index_queue(queue);
    std::vector<std::string> args{std::move(metadata_json)};
    auto created = co_await eval(scripts::create_queue, queue, std::move(args));
    co_return created.as_integer() == 1;
}

net::awaitable<std::optional<core::queue_record>> redis_driver::get_queue(
    core::queue_address queue) {
    const auto key = keys_.queue_record(queue);
    command cmd{{"HGET", key, "metadata"}, key};
    auto answer = co_await client_->execute(std::move(cmd));
    if (answer.is_nil()) co_return std::nullopt;
    co_return core::queue_record{queue.name, answer.as_string()};
}

net::awaitable<void> redis_driver::set_queue_metadata(core::queue_address queue,
                                                      std::string metadata_json) {
    std::vector<std::string> args{std::move(metadata_json)};
    co_await eval(scripts::set_metadata, queue, std::move(args));
}

net::awaitable<void> redis_driver::delete_queue(core::queue_address queue) {
    std::vector<std::string> no_args;
    co_await eval(scripts::delete_queue, queue, std::move(no_args));
    const auto index = keys_.project_index(queue.project);
    command cmd{{"ZREM", index, queue.name.value()}, index};
    co_await client_->execute(std::move(cmd));
}

net::awaitable<std::vector<core::queue_record>> redis_driver::list_queues(
    core::project_id project, core::queue_list_options options) {
    std::vector<core::queue_record> out;
    if (options.limit <= 0) co_return out;
    const queue_filter filter{options};
    const auto index = keys_.project_index(project);
    const auto page = filter.empty() ? options.limit : std::max(options.limit, index_page);
    std::optional<std::string> after = options.marker;

    while (static_cast<std::int64_t>(out.size()) < options.limit) {
        const auto entries = co_await index_page_after(index, after, page);
        if (entries.empty()) break;
        std::vector<command> reads;
        for (const auto& name : entries) {
            auto key = keys_.queue_record({project, core::queue_name{name}});
            reads.push_back({{"HGET", key, "metadata"}, key});
        }
        auto records = co_await client_->execute_all(std::move(reads));
        for (std::size_t i = 0; i < entries.size(); ++i) {
            if (records[i].is_nil()) continue;  // deleted, or a create that did not finish
            core::queue_record record{core::queue_name{entries[i]}, records[i].as_string()};
            if (!filter.matches(record)) continue;
            out.push_back(std::move(record));
            if (static_cast<std::int64_t>(out.size()) == options.limit) break;
        }
        if (static_cast<std::int64_t>(entries.size()) < page) break;
        after = entries.back();
    }
    co_return out;
}

net::awaitable<std::vector<std::string>> redis_driver::index_page_after(
    std::string index, std::optional<std::string> after, std::int64_t count) {
    command cmd{{"ZRANGEBYLEX", index, after ? "(" + *after : "-", "+", "LIMIT", "0",
                 std::to_string(count)},
                index};
    auto names = co_await client_->execute(std::move(cmd));
    std::vector<std::string> out;
    for (const auto& name : names.as_array()) out.push_back(name.as_string());
    co_return out;
}

net::awaitable<std::int64_t> redis_driver::count_queues(core::project_id project) {
    const auto index = keys_.project_index(project);
    command cmd{{"ZCARD", index}, index};
    auto answer = co_await client_->execute(std::move(cmd));
    co_return answer.as_integer();
}

net::awaitable<core::queue_stats> redis_driver::get_queue_stats(core::queue_address queue) {
    std::vector<std::string> no_args;
    auto answer = co_await eval(scripts::stats, queue, std::move(no_args));
    const auto& f = answer.as_array();
    core::queue_stats stats;
    stats.free = f.at(0).as_integer();
    stats.claimed = f.at(1).as_integer();
    stats.total = f.at(2).as_integer();
    stats.oldest = summary(f.at(3), f.at(4));
    stats.newest = summary(f.at(5), f.at(6));
    co_return stats;
}

net::awaitable<void> redis_driver::purge_messages(core::queue_address queue) {
    std::vector<std::string> no_args;
    co_await eval(scripts::purge, queue, std::move(no_args));
}

// --- messages -----------------------------------------------------------------------------

net::awaitable<std::vector<core::message_id>> redis_driver::post_messages(
    core::queue_address queue, core::client_id client, std::vector<core::new_message> batch) {
    std::vector<std::string> args;
    args.reserve(1 + 4 * batch.size());
    args.push_back(client.value());
    for (auto& m : batch) {
        args.push_back(random_tag());
        args.push_back(millis(m.ttl));
        args.push_back(millis(m.delay));
        args.push_back(std::move(m.body_json));
    }
    auto answer = co_await eval(scripts::post, queue, std::move(args));
    const auto& f = answer.as_array();
    if (f.at(0).as_integer() == 1) co_await index_queue(queue);
    std::vector<core::message_id> ids;
    ids.reserve(f.size() - 1);
    for (std::size_t i = 1; i < f.size(); ++i) ids.emplace_back(f[i].as_string());
    co_return ids;
}

net::awaitable<core::message_page> redis_driver::list_messages(core::queue_address queue,
                                                               core::message_list_options options) {
    std::vector<std::string> args{parse_marker(options.marker),
                                  std::to_string(options.limit),
                                  options.include_delayed ? "1" : "0",
                                  options.include_claimed ? "1" : "0",
                                  options.echo ? "1" : "0",
                                  options.client.value()};
    auto answer = co_await eval(scripts::list, queue, std::move(args));
    core::message_page page;
    page.messages = read_messages(answer.as_array(), 0);
    if (!page.messages.empty()) page.next_marker = marker_of(page.messages.back().id);
    co_return page;
}

net::awaitable<std::vector<core::message>> redis_driver::get_messages(
    core::queue_address queue, std::vector<core::message_id> ids) {
    std::vector<std::string> args;
    for (auto& id : ids) {
        if (is_valid_id(id.value())) args.push_back(std::move(id).value());
    }
    if (args.empty()) co_return std::vector<core::message>{};
    auto answer = co_await eval(scripts::get, queue, std::move(args));
    co_return read_messages(answer.as_array(), 0);
}

net::awaitable<void> redis_driver::delete_message(core::queue_address queue, core::message_id id,
                                                  std::optional<core::claim_id> claim) {
    if (!is_valid_id(id.value())) co_return;  // a missing message is deleted, whatever the claim
    std::vector<std::string> args{std::move(id).value(), claim ? claim->value() : std::string{}};
    co_await eval(scripts::delete_one, queue, std::move(args));
}

net::awaitable<void> redis_driver::delete_messages(
    core::queue_address queue, std::vector<core::message_id> ids,
    std::optional<std::vector<core::claim_id>> claims) {
    std::vector<std::string> args{claims ? "1" : "0", std::to_string(claims ? claims->size() : 0)};
    if (claims) {
        for (auto& c : *claims) args.push_back(std::move(c).value());
    }
    bool any = false;
    for (auto& id : ids) {
        if (!is_valid_id(id.value())) continue;
        args.push_back(std::move(id).value());
        any = true;
    }
    if (!any) co_return;
    co_await eval(scripts::delete_many, queue, std::move(args));
}

net::awaitable<std::vector<core::message>> redis_driver::pop_messages(core::queue_address queue,
                                                                      std::int64_t limit) {
    std::vector<std::string> args{std::to_string(limit)};
    auto answer = co_await eval(scripts::pop, queue, std::move(args));
    co_return read_messages(answer.as_array(), 0);
}

// --- claims -------------------------------------------------------------------------------

net::awaitable<std::optional<core::claim>> redis_driver::create_claim(
    core::queue_address queue, core::claim_options options,
    std::optional<core::dead_letter_policy> dead_letter) {
    // A policy with max_claim_count <= 0 would dead-letter every message unseen; treat it as off.
    const bool dead_lettering = dead_letter && dead_letter->max_claim_count > 0;
    std::vector<std::string> args{
        random_tag(),
        millis(options.ttl),
        millis(options.grace),
        std::to_string(options.limit),
        dead_lettering ? std::to_string(dead_letter->max_claim_count) : "0",
        dead_lettering && dead_letter->message_ttl ? millis(*dead_letter->message_ttl) : "-1"};
    auto answer = co_await eval(scripts::claim, queue, std::move(args));
    const auto& f = answer.as_array();
    if (dead_lettering && f.at(3).as_integer() > 0) {
        core::queue_address target{queue.project, dead_letter->queue};
        co_await deliver_dead_letters(queue, std::move(target));
    }
    if (f.at(0).as_string().empty()) co_return std::nullopt;
    co_return core::claim{core::claim_id{f[0].as_string()}, at(f.at(1)), at(f.at(2)),
                          read_messages(f, 4)};
}

net::awaitable<void> redis_driver::deliver_dead_letters(core::queue_address source,
                                                        core::queue_address target) {
    constexpr std::size_t fields = 5;  // id, body, client, moved at, expires
    while (true) {
        std::vector<std::string> no_args;
        auto waiting = co_await eval(scripts::dead_letter_take, source, std::move(no_args));
        const auto& f = waiting.as_array();
        if (f.empty()) co_return;
        std::vector<std::string> accept{source.name.value()};
        std::vector<std::string> delivered;
        for (std::size_t i = 0; i + fields <= f.size(); i += fields) {
            accept.push_back(f[i].as_string());
            accept.push_back(random_tag());
            accept.push_back(std::to_string(f[i + 3].as_integer()));
            accept.push_back(std::to_string(f[i + 4].as_integer()));
            accept.push_back(f[i + 2].as_string());
            accept.push_back(f[i + 1].as_string());
            delivered.push_back(f[i].as_string());
        }
        auto created = co_await eval(scripts::dead_letter_accept, target, std::move(accept));
        if (created.as_integer() == 1) co_await index_queue(target);
        co_await eval(scripts::dead_letter_ack, source, std::move(delivered));
    }
}

net::awaitable<core::claim> redis_driver::get_claim(core::queue_address queue, core::claim_id id) {
    if (!is_valid_id(id.value())) errors::claim_not_found();
    std::vector<std::string> args{id.value()};
    auto answer = co_await eval(scripts::get_claim, queue, std::move(args));
    const auto& f = answer.as_array();
    co_return core::claim{std::move(id), at(f.at(0)), at(f.at(1)), read_messages(f, 2)};
}

net::awaitable<void> redis_driver::update_claim(core::queue_address queue, core::claim_id id,
                                                std::int64_t ttl, std::int64_t grace) {
    if (!is_valid_id(id.value())) errors::claim_not_found();
    std::vector<std::string> args{std::move(id).value(), millis(ttl), millis(grace)};
    co_await eval(scripts::update_claim, queue, std::move(args));
}

net::awaitable<void> redis_driver::delete_claim(core::queue_address queue, core::claim_id id) {
    if (!is_valid_id(id.value())) co_return;
    std::vector<std::string> args{std::move(id).value()};
    co_await eval(scripts::delete_claim, queue, std::move(args));
}

// --- maintenance --------------------------------------------------------------------------

net::awaitable<std::int64_t> redis_driver::collect_garbage() {
    const auto projects = keys_.projects();
    command cmd{{"SMEMBERS", projects}, projects};
    auto members = co_await client_->execute(std::move(cmd));
    std::int64_t removed = 0;
    for (const auto& project : members.as_array()) {
        removed += co_await collect_project_garbage(core::project_id{project.as_string()});
    }
    co_return removed;
}

net::awaitable<std::int64_t> redis_driver::collect_project_garbage(core::project_id project) {
    const auto index = keys_.project_index(project);
    std::int64_t removed = 0;
    std::optional<std::string> after;
    while (true) {
        const auto entries = co_await index_page_after(index, after, index_page);
        if (entries.empty()) break;
        // One pipelined round of scripts per page of queues.
        std::vector<command> sweeps;
        std::vector<core::queue_address> queues;
        for (const auto& name : entries) {
            queues.push_back({project, core::queue_name{name}});
            std::vector<std::string> args{std::to_string(gc_batch)};
            sweeps.push_back(script_command(scripts::collect_garbage, keys_of(keys_, queues.back()),
                                            with_now(now_ms(), std::move(args))));
        }
        auto answers = co_await client_->execute_all(sweeps);
        for (std::size_t i = 0; i < answers.size(); ++i) {
            if (answers[i].error_code() == "NOSCRIPT") {
                answers[i] = co_await client_->execute(
                    with_script_text(sweeps[i], scripts::collect_garbage));
            }
            if (answers[i].is_error()) raise(scripts::collect_garbage, queues[i], answers[i]);
            removed += answers[i].as_integer();
        }
        if (static_cast<std::int64_t>(entries.size()) < index_page) break;
        after = entries.back();
    }
    co_return removed;
}

net::awaitable<bool> redis_driver::ping() {
    try {
        command cmd{{"PING"}, {}};
        auto answer = co_await client_->execute(std::move(cmd));
        co_return answer.type == reply::kind::status&& answer.text == "PONG";
    } catch (const core::error&) {
        co_return false;
    }
}

std::vector<std::string> redis_driver::capabilities() const {
    // As Zaqar's redis driver: durability depends on the server's persistence settings.
    return {"FIFO", "CLAIMS", "AOD", "HIGH_THROUGHPUT"};
}

}  // namespace marconi::storage::redis
