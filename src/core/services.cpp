// Marconi.
#include "core/services.hpp"

#include <boost/json/serialize.hpp>

#include "common/json_depth.hpp"
#include "core/json_patch.hpp"
#include "core/validation.hpp"
#include "storage/contract/error.hpp"

namespace marconi::core {

namespace {

boost::json::object parse_stored_metadata(const std::string& text) {
    boost::system::error_code ec;
    auto value = parse_own_json(text, ec);
    if (ec || !value.is_object()) {
        throw error(errc::internal, "Stored queue metadata is corrupt.");
    }
    return std::move(value.as_object());
}

/// The metadata as stored, bounded by max_queue_metadata like the body that set it: a PATCH
/// body is small, but the metadata it leaves behind would otherwise grow with every PATCH.
std::string stored_metadata_json(const boost::json::object& metadata, const limits& limits,
                                 errc code) {
    auto text = boost::json::serialize(metadata);
    validate_queue_metadata_size(static_cast<std::int64_t>(text.size()), limits, code);
    return text;
}

}  // namespace

// --- queues -------------------------------------------------------------------------------

net::awaitable<bool> queue_service::create(queue_address queue, boost::json::object metadata) {
    validate_queue_metadata(metadata, limits_);
    auto stored = stored_metadata_json(metadata, limits_, errc::invalid_request);
    co_await check_queue_quota(queue);
    const bool created = co_await driver_.create_queue(queue, std::move(stored));
    cache_.invalidate(queue);
    co_return created;
}

net::awaitable<void> queue_service::check_queue_quota(const queue_address& queue) {
    if (quotas_.limit(counted::queues, queue.project) == 0) co_return;
    // Re-creating an existing queue adds nothing, so it is never refused.
    if (co_await driver_.get_queue(queue)) co_return;
    // Checked before the write: creates racing on other threads or servers may each pass,
    // overshooting the limit by at most the number racing.
    const project_id owner{std::string(tenant_of(queue.project))};
    const auto topics = topic_address(owner, queue.name).project;
    const auto queues = co_await driver_.count_queues(owner);
    const auto topics_used = co_await driver_.count_queues(topics);
    quotas_.check_room(counted::queues, owner, queue.name.value(), queues + topics_used, 1);
}

net::awaitable<queue_record> queue_service::existing(queue_address queue, metadata_owner owner) {
    auto record = co_await driver_.get_queue(queue);
    if (!record) {
        if (owner == metadata_owner::topic) {
            throw error(errc::topic_not_found, "Topic " + queue.name.value() + " does not exist.");
        }
        throw error(errc::queue_not_found, "Queue " + queue.name.value() + " does not exist.");
    }
    co_return std::move(*record);
}

net::awaitable<boost::json::object> queue_service::get(queue_address queue, metadata_owner owner) {
    if (limits_.lazy_queue_get) {
        auto record = co_await driver_.get_queue(queue);
        // Zaqar's controllers answer a missing queue's metadata as {}, shown with the defaults.
        co_return record ? shown_metadata(*record, owner)
                         : metadata_with_defaults(boost::json::object{}, limits_, owner);
    }
    co_return shown_metadata(co_await existing(std::move(queue), owner), owner);
}

net::awaitable<boost::json::object> queue_service::get_stored(queue_address queue) {
    if (limits_.lazy_queue_get) {
        auto found = co_await find_stored(std::move(queue));
        co_return found ? std::move(*found) : boost::json::object{};
    }
    co_return stored_metadata(co_await existing(std::move(queue), metadata_owner::queue));
}

net::awaitable<std::optional<boost::json::object>> queue_service::find_stored(queue_address queue) {
    const auto record = co_await driver_.get_queue(std::move(queue));
    if (!record) co_return std::nullopt;
    co_return stored_metadata(*record);
}

net::awaitable<void> queue_service::replace_metadata(queue_address queue,
                                                     boost::json::object metadata) {
    validate_queue_metadata(metadata, limits_);
    auto stored = stored_metadata_json(metadata, limits_, errc::invalid_request);
    co_await driver_.set_queue_metadata(queue, std::move(stored));
    cache_.invalidate(queue);
}

net::awaitable<bool> queue_service::exists(queue_address queue) {
    co_return (co_await driver_.get_queue(std::move(queue))).has_value();
}

net::awaitable<boost::json::object> queue_service::patch(queue_address queue,
                                                         boost::json::value patch,
                                                         metadata_owner owner) {
    const auto record = co_await existing(queue, owner);
    auto patched = apply_metadata_patch(parse_stored_metadata(record.metadata_json), patch, owner);
    try {
        validate_queue_metadata(patched, limits_);
    } catch (const error& e) {
        // Zaqar titles every PATCH validation failure "Invalid request body" (queues.py).
        throw error(errc::invalid_body, std::string(e.description()));
    }
    auto stored = stored_metadata_json(patched, limits_, errc::invalid_body);
    co_await driver_.set_queue_metadata(queue, std::move(stored));
    cache_.invalidate(queue);
    co_return metadata_with_defaults(std::move(patched), limits_, owner);
}

net::awaitable<void> queue_service::remove(queue_address queue) {
    co_await driver_.delete_queue(queue);
    cache_.invalidate(queue);
}

net::awaitable<std::vector<queue_record>> queue_service::list(project_id project,
                                                              queue_list_options options) {
    co_return co_await driver_.list_queues(std::move(project), std::move(options));
}

net::awaitable<std::int64_t> queue_service::count(project_id project) {
    co_return co_await driver_.count_queues(std::move(project));
}

net::awaitable<queue_stats> queue_service::stats(queue_address queue) {
    co_return co_await driver_.get_queue_stats(std::move(queue));
}

net::awaitable<void> queue_service::purge_messages(queue_address queue) {
    co_await driver_.purge_messages(std::move(queue));
}

net::awaitable<std::shared_ptr<const cached_queue>> queue_service::cached(queue_address queue) {
    if (auto hit = cache_.find(queue)) co_return hit;
    const auto generation = cache_.generation();
    auto record = co_await driver_.get_queue(queue);
    auto entry = std::make_shared<cached_queue>();
    if (record) entry->metadata = parse_stored_metadata(record->metadata_json);
    entry->settings = settings_from_metadata(entry->metadata, limits_);
    cache_.insert(queue, entry, generation);
    co_return entry;
}

boost::json::object queue_service::shown_metadata(const queue_record& record,
                                                  metadata_owner owner) const {
    return metadata_with_defaults(stored_metadata(record), limits_, owner);
}

boost::json::object queue_service::stored_metadata(const queue_record& record) {
    return parse_stored_metadata(record.metadata_json);
}

// --- messages -----------------------------------------------------------------------------

net::awaitable<std::vector<message_id>> message_service::post(queue_address queue, client_id client,
                                                              std::vector<message_input> batch,
                                                              std::size_t body_bytes) {
    quotas_.admit_post(queue.project);
    const auto info = co_await queues_.cached(queue);
    validate_message_post_size(static_cast<std::int64_t>(body_bytes), info->metadata, limits_);
    validate_message_count(batch.size());
    const auto& settings = info->settings;

    std::vector<new_message> resolved;
    resolved.reserve(batch.size());
    std::vector<std::optional<std::int64_t>> shown_delays;  // as Zaqar's notifier shows them
    for (auto& input : batch) {
        const auto ttl = input.ttl.value_or(settings.default_message_ttl);
        // Unlike Zaqar 15, a per-message delay is honoured on every queue (see
        // docs/compatibility.md): dropping it silently would deliver work early.
        const auto delay = input.delay.value_or(settings.default_message_delay);
        validate_message_ttl(ttl, limits_);
        validate_message_delay(delay, limits_);
        shown_delays.push_back(input.delay || settings.default_message_delay > 0
                                   ? std::optional(delay)
                                   : std::nullopt);
        resolved.push_back(new_message{std::move(input.body_json), ttl, delay});
    }
    const auto batch_size = static_cast<std::int64_t>(resolved.size());
    if (quotas_.limit(counted::messages, queue.project) > 0) {
        // Racing posts may each pass this check (see check_queue_quota).
        const auto stats = co_await driver_.get_queue_stats(queue);
        quotas_.check_room(counted::messages, queue.project, queue.name.value(), stats.total,
                           batch_size);
    }
    bool report = false;
    if (observer_) report = co_await observer_->watches(queue);
    if (!report) {
        co_return co_await driver_.post_messages(std::move(queue), std::move(client),
                                                 std::move(resolved));
    }
    std::vector<posted_message> posted;
    posted.reserve(resolved.size());
    for (std::size_t i = 0; i < resolved.size(); ++i) {
        posted.push_back(
            posted_message{{}, resolved[i].body_json, resolved[i].ttl, shown_delays[i]});
    }
    auto ids = co_await driver_.post_messages(queue, std::move(client), std::move(resolved));
    for (std::size_t i = 0; i < ids.size() && i < posted.size(); ++i) posted[i].id = ids[i];
    co_await observer_->messages_posted(std::move(queue), std::move(posted));
    co_return ids;
}

net::awaitable<message_page> message_service::list(queue_address queue,
                                                   message_list_options options) {
    validate_message_list_limit(options.limit, limits_);
    co_return co_await driver_.list_messages(std::move(queue), std::move(options));
}

net::awaitable<std::vector<message>> message_service::get_many(queue_address queue,
                                                               std::vector<message_id> ids) {
    validate_message_list_limit(static_cast<std::int64_t>(ids.size()), limits_);
    co_return co_await driver_.get_messages(std::move(queue), std::move(ids));
}

net::awaitable<message> message_service::get(queue_address queue, message_id id) {
    std::vector<message_id> ids{id};
    auto found = co_await driver_.get_messages(std::move(queue), std::move(ids));
    if (found.empty()) {
        throw error(errc::message_not_found, "Message " + id.value() + " does not exist.");
    }
    co_return std::move(found.front());
}

net::awaitable<void> message_service::remove(queue_address queue, message_id id,
                                             std::optional<claim_id> claim) {
    co_await driver_.delete_message(std::move(queue), std::move(id), std::move(claim));
}

net::awaitable<void> message_service::remove_many(queue_address queue, std::vector<message_id> ids,
                                                  std::optional<std::vector<claim_id>> claims) {
    validate_message_deletion(std::nullopt, ids.size(),
                              claims ? std::optional(claims->size()) : std::nullopt, limits_);
    co_await driver_.delete_messages(std::move(queue), std::move(ids), std::move(claims));
}

net::awaitable<std::vector<message>> message_service::pop(queue_address queue, std::int64_t limit) {
    validate_message_deletion(limit, std::nullopt, std::nullopt, limits_);
    co_return co_await driver_.pop_messages(std::move(queue), limit);
}

// --- claims -------------------------------------------------------------------------------

net::awaitable<std::optional<claim>> claim_service::create(queue_address queue,
                                                           std::optional<std::int64_t> ttl,
                                                           std::optional<std::int64_t> grace,
                                                           std::optional<std::int64_t> limit) {
    quotas_.admit_claim(queue.project);
    const claim_options options{ttl.value_or(limits_.default_claim_ttl),
                                grace.value_or(limits_.default_claim_grace), limit.value_or(10)};
    validate_claim_creation(options.ttl, options.grace, limit, limits_);
    auto info = co_await queues_.cached(queue);
    co_return co_await driver_.create_claim(std::move(queue), options, info->settings.dead_letter);
}

net::awaitable<claim> claim_service::get(queue_address queue, claim_id id) {
    co_return co_await driver_.get_claim(std::move(queue), std::move(id));
}

net::awaitable<void> claim_service::update(queue_address queue, claim_id id,
                                           std::optional<std::int64_t> ttl,
                                           std::optional<std::int64_t> grace) {
    const auto new_ttl = ttl.value_or(limits_.default_claim_ttl);
    const auto new_grace = grace.value_or(limits_.default_claim_grace);
    validate_claim_ttl(new_ttl, limits_);
    // Zaqar does not range-check grace on PATCH; an unchecked one could push message expiry
    // past what a time_point holds, or below the claim's own end.
    validate_claim_grace(new_grace, limits_);
    co_await driver_.update_claim(std::move(queue), std::move(id), new_ttl, new_grace);
}

net::awaitable<void> claim_service::remove(queue_address queue, claim_id id) {
    co_await driver_.delete_claim(std::move(queue), std::move(id));
}

}  // namespace marconi::core
