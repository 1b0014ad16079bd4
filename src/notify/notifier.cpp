// Marconi. After zaqar/notification/notifier.py (NotifierDriver.post and
// send_confirm_notification), with the jobs stored instead of handed to a thread pool.
#include "notify/notifier.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include "common/project_key.hpp"
#include "net/signed_url.hpp"
#include "notify/job.hpp"

namespace marconi::notify {

namespace json = boost::json;

namespace {
const core::client_id notifier_client{"marconi-notifier"};
}  // namespace

void notifier::subscriptions_changed(const core::queue_address& source) {
    cache_.erase(key_of(source.project.value(), source.name.value()));
}

net::awaitable<std::shared_ptr<const notifier::subscription_list>> notifier::live_subscriptions(
    core::queue_address source) {
    auto key = key_of(source.project.value(), source.name.value());
    if (auto hit = cache_.find(key)) co_return std::move(*hit);
    // A change made while we read must not be hidden by what we read before it.
    const auto generation = cache_.generation();
    // Live ones, and only confirmed ones when confirmation is required (as Zaqar's notifier).
    auto listed = co_await subscriptions_.live_confirmed(source);
    std::shared_ptr<const subscription_list> result =
        std::make_shared<subscription_list>(std::move(listed));
    cache_.insert_if_unchanged(std::move(key), result, generation);
    co_return result;
}

net::awaitable<bool> notifier::watches(core::queue_address source) {
    const auto subscriptions = co_await live_subscriptions(std::move(source));
    co_return !subscriptions->empty();
}

net::awaitable<void> notifier::enqueue(std::vector<core::new_message> jobs) {
    if (jobs.empty()) co_return;
    auto outbox = outbox_address();
    co_await driver_.post_messages(std::move(outbox), notifier_client, std::move(jobs));
    dispatcher_.wake();
}

net::awaitable<void> notifier::messages_posted(core::queue_address source,
                                               std::vector<core::posted_message> messages) {
    const auto subscriptions = co_await live_subscriptions(source);
    const auto owner = source_of(source);
    const auto now = clock_.now();
    std::vector<core::new_message> jobs;
    for (const auto& subscription : *subscriptions) {
        if (subscription.expires <= now) continue;  // expired since it was cached
        for (const auto& message : messages) {
            job j;
            j.project = owner.project;
            j.topic = owner.topic;
            j.source = source.name;
            j.subscription = subscription.id;
            j.subscriber = subscription.subscriber;
            j.message = message.id;
            j.payload_json = message.body_json;
            j.ttl = message.ttl;
            j.delay = message.delay;
            jobs.push_back(core::new_message{encode(j), options_.job_ttl, 0});
        }
    }
    co_await enqueue(std::move(jobs));
}

net::awaitable<void> notifier::confirmation_needed(core::queue_address source,
                                                   core::subscription_id id, std::string subscriber,
                                                   time_point expires, bool unsubscribed) {
    if (!options_.require_confirmation) co_return;
    if (options_.secret_key.empty()) {
        // Zaqar logs and sends nothing in this case too.
        spdlog::error(
            "notifications: cannot send a subscription confirmation: "
            "[signed_url] secret_key is not set");
        co_return;
    }
    const auto owner = source_of(source);
    signing::url_grant grant;
    grant.paths = {"/v2/" + std::string(owner.topic ? "topics/" : "queues/") + source.name.value() +
                   "/subscriptions/" + id.value() + "/confirm"};
    grant.methods = {"PUT"};
    grant.project = owner.project.value();
    grant.expires = signing::format_expires(std::chrono::floor<std::chrono::seconds>(expires));
    json::object payload;
    if (unsubscribed) {
        payload["Message_Type"] = "UnsubscribeConfirmation";
        payload["Message"] =
            "You have unsubscribed successfully to the queue: " + source.name.value() +
            ", you can resubscribe it by using confirmed=True.";
    } else {
        payload["Message_Type"] = "SubscriptionConfirmation";
        payload["Message"] = "You have chosen to subscribe to the queue: " + source.name.value();
    }
    payload["URL-Signature"] = signing::sign(options_.secret_key, grant);
    payload["URL-Methods"] = "PUT";
    payload["URL-Paths"] = grant.paths.front();
    payload["X-Project-ID"] = grant.project;
    payload["URL-Expires"] = grant.expires;
    payload["SubscribeBody"] = json::object{{"confirmed", true}};
    payload["UnsubscribeBody"] = json::object{{"confirmed", false}};

    job j;
    j.kind = job_kind::confirmation;
    j.project = owner.project;
    j.topic = owner.topic;
    j.source = source.name;
    j.subscription = std::move(id);
    j.subscriber = std::move(subscriber);
    j.payload_json = json::serialize(payload);
    std::vector<core::new_message> jobs{core::new_message{encode(j), options_.job_ttl, 0}};
    co_await enqueue(std::move(jobs));
}

}  // namespace marconi::notify
