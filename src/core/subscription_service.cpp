// Marconi. Subscriptions: validation and defaults around the subscription store.
#include "core/subscription_service.hpp"

#include <boost/json/serialize.hpp>

#include "core/services.hpp"
#include "core/subscription_validation.hpp"
#include "core/validation.hpp"
#include "storage/contract/error.hpp"
#include "storage/contract/errors.hpp"

namespace marconi::core {

namespace {

/// Subscriptions read per store call when fanning out or purging.
constexpr std::int64_t fan_out_page = 100;

}  // namespace

net::awaitable<subscription_created> subscription_service::create(queue_address source,
                                                                  boost::json::value body,
                                                                  std::optional<trustor> who) {
    auto fields = validate_subscription_post(body, limits_, clock_.now());
    co_await check_subscription_quota(source, *fields.subscriber);
    // Zaqar creates the source before validating; here a rejected request leaves nothing.
    co_await queues_.create(source, boost::json::object{});
    new_subscription subscription;
    subscription.subscriber = std::move(*fields.subscriber);
    subscription.ttl = fields.ttl.value_or(limits_.default_subscription_ttl);
    if (trusts_ && who && subscription.subscriber.starts_with("trust+") &&
        !(fields.options && fields.options->contains("trust_id"))) {
        // As Zaqar's TrustTask.register: the trust expires with the subscription.
        const auto trust_expires = clock_.now() + std::chrono::seconds(subscription.ttl);
        auto trust_id = co_await trusts_->create_trust(
            std::move(*who), std::string(tenant_of(source.project)), trust_expires);
        if (!fields.options) fields.options.emplace();
        (*fields.options)["trust_id"] = trust_id;
    }
    subscription.options_json = fields.options ? boost::json::serialize(*fields.options) : "{}";
    // Unconfirmed until a PUT .../confirm, whether or not confirmation is required, as Zaqar
    // stores them: so a repeated POST answers 201 with the same id until someone confirms.
    subscription.confirmed = false;
    const auto subscriber = subscription.subscriber;
    const auto expires = clock_.now() + std::chrono::seconds(subscription.ttl);
    auto created = co_await store().create_subscription(source, std::move(subscription));
    if (!created.created && created.confirmed) {
        // The resource's own wording, which lacks the storage error's space after "exists.".
        throw error(errc::conflict,
                    "Such subscription already exists.Subscriptions are unique by project + "
                    "queue + subscriber URI.");
    }
    if (observer_) {
        observer_->subscriptions_changed(source);
        // New or re-created while unconfirmed: (re)send the confirmation, as Zaqar does.
        if (!created.confirmed) {
            co_await observer_->confirmation_needed(source, created.id, subscriber, expires, false);
        }
    }
    co_return created;
}

net::awaitable<void> subscription_service::check_subscription_quota(const queue_address& source,
                                                                    const std::string& subscriber) {
    const auto max = quotas_.limit(counted::subscriptions, source.project);
    if (max == 0) co_return;
    // One page of `max` is enough to know whether the source is full. Racing creates may
    // each pass (see queue_service::check_queue_quota).
    const auto page = co_await store().list_subscriptions(source, std::nullopt, max);
    for (const auto& s : page) {
        if (s.subscriber == subscriber) co_return;  // answered as an existing one, adds none
    }
    quotas_.check_room(counted::subscriptions, source.project, source.name.value(),
                       static_cast<std::int64_t>(page.size()), 1);
}

net::awaitable<std::vector<subscription>> subscription_service::list(
    queue_address source, std::optional<std::string> marker, std::optional<std::int64_t> limit) {
    const auto page_size = limit.value_or(10);
    validate_subscription_list_limit(page_size, limits_);
    co_return co_await store().list_subscriptions(std::move(source), std::move(marker), page_size);
}

net::awaitable<subscription> subscription_service::get(queue_address source, subscription_id id) {
    auto found = co_await store().get_subscription(std::move(source), id);
    if (!found) storage::errors::subscription_not_found(id);
    co_return std::move(*found);
}

net::awaitable<void> subscription_service::update(queue_address source, subscription_id id,
                                                  boost::json::value body) {
    auto fields = validate_subscription_patch(body, limits_, clock_.now());
    subscription_update update;
    update.subscriber = std::move(fields.subscriber);
    update.ttl = fields.ttl;
    if (fields.options) update.options_json = boost::json::serialize(*fields.options);
    if (!update.subscriber && !update.ttl && !update.options_json) {
        // Zaqar's storage asserts a field was given; the resource turns that into this 400.
        throw titled_error(errc::invalid_request, "Unable to update subscription",
                           "Subscription " + id.value() + " could not be updated.");
    }
    co_await store().update_subscription(source, std::move(id), std::move(update));
    if (observer_) observer_->subscriptions_changed(source);
}

net::awaitable<void> subscription_service::remove(queue_address source, subscription_id id) {
    co_await store().delete_subscription(source, std::move(id));
    if (observer_) observer_->subscriptions_changed(source);
}

net::awaitable<void> subscription_service::purge(queue_address source) {
    for (;;) {
        const auto page = co_await store().list_subscriptions(source, std::nullopt, fan_out_page);
        for (const auto& s : page) co_await store().delete_subscription(source, s.id);
        if (static_cast<std::int64_t>(page.size()) < fan_out_page) co_return;
    }
}

net::awaitable<bool> subscription_service::confirm(queue_address source, subscription_id id,
                                                   boost::json::value body) {
    const bool confirmed = validate_subscription_confirmation(body);
    co_await store().confirm_subscription(source, id, confirmed);
    if (observer_) {
        observer_->subscriptions_changed(source);
        // Zaqar tells an unsubscribed subscriber how to come back, with a link that lasts
        // default_subscription_ttl.
        if (!confirmed && notification_.require_confirmation) {
            if (auto current = co_await store().get_subscription(source, id)) {
                const auto expires =
                    clock_.now() + std::chrono::seconds(limits_.default_subscription_ttl);
                co_await observer_->confirmation_needed(source, id, current->subscriber, expires,
                                                        true);
            }
        }
    }
    co_return confirmed;
}

net::awaitable<std::vector<subscription>> subscription_service::live_confirmed(
    queue_address source) {
    std::vector<subscription> out;
    std::optional<std::string> marker;
    for (;;) {
        auto page = co_await store().list_subscriptions(source, marker, fan_out_page);
        const bool last = static_cast<std::int64_t>(page.size()) < fan_out_page;
        if (!page.empty()) marker = page.back().id.value();
        for (auto& s : page) {
            if (s.confirmed || !notification_.require_confirmation) out.push_back(std::move(s));
        }
        if (last) co_return out;
    }
}

}  // namespace marconi::core
