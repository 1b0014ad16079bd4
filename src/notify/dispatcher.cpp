// Marconi.
#include "notify/dispatcher.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>
#include <ctime>

#include "core/retry_policy.hpp"
#include "core/validation.hpp"
#include "notify/payload.hpp"

namespace marconi::notify {

namespace json = boost::json;

namespace {

constexpr std::int64_t claim_batch = 20;
const core::client_id notifier_client{"marconi-notifier"};

json::object parse_options(const std::string& text) {
    boost::system::error_code ec;
    auto value = json::parse(text, ec);
    if (ec || !value.is_object()) return {};
    return std::move(value.as_object());
}

std::string iso_time(time_point when) {
    const auto seconds = std::chrono::system_clock::to_time_t(
        std::chrono::floor<std::chrono::seconds>(when));
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

}  // namespace

dispatcher::dispatcher(net::any_io_executor executor, storage::data_driver& driver,
                       storage::subscription_store& subscriptions, core::queue_service& queues,
                       const clock& clock, const options& options)
    : driver_(driver),
      subscriptions_(subscriptions),
      queues_(queues),
      clock_(clock),
      options_(options),
      webhooks_(options.timeout),
      mail_(options.smtp_command, options.timeout, 2),
      executor_(executor),
      strand_(net::make_strand(executor)),
      timer_(strand_) {}

void dispatcher::start() { net::co_spawn(strand_, run(), net::detached); }

void dispatcher::wake() {
    net::post(strand_, [this] {
        woken_ = true;
        timer_.cancel();
    });
}

void dispatcher::wake_at(steady::time_point when) {
    net::post(strand_, [this, when] {
        due_.push(when);
        timer_.cancel();
    });
}

void dispatcher::finished() {
    --in_flight_;
    woken_ = true;  // a free worker: take the next job at once
    timer_.cancel();
}

net::awaitable<void> dispatcher::run() {
    // The claim must outlast one attempt, plus the writes around it.
    const auto attempt_seconds =
        std::chrono::duration_cast<std::chrono::seconds>(options_.timeout).count();
    const core::claim_options lease{2 * attempt_seconds + 5, 60, claim_batch};
    const auto outbox = outbox_address();
    for (;;) {
        bool more = false;
        if (in_flight_ < options_.max_workers) {
            auto request = lease;
            request.limit = std::min<std::int64_t>(claim_batch,
                                                   std::int64_t(options_.max_workers - in_flight_));
            std::optional<core::claim> claim;
            try {
                claim = co_await driver_.create_claim(outbox, request, std::nullopt);
            } catch (const std::exception& e) {
                spdlog::warn("notifications: cannot claim pending jobs: {}", e.what());
            }
            if (claim) {
                more = std::int64_t(claim->messages.size()) == request.limit;
                for (auto& m : claim->messages) {
                    ++in_flight_;
                    net::co_spawn(executor_, deliver(std::move(m), claim->id),
                                  [this](std::exception_ptr) {
                                      net::post(strand_, [this] { finished(); });
                                  });
                }
            }
        }
        if (more && in_flight_ < options_.max_workers) continue;
        const auto now = steady::now();
        while (!due_.empty() && due_.top() <= now) due_.pop();
        auto deadline = now + options_.poll_interval;
        if (!due_.empty() && due_.top() < deadline) deadline = due_.top();
        if (!woken_) {
            timer_.expires_at(deadline);
            co_await timer_.async_wait(net::as_tuple(net::use_awaitable));
        }
        woken_ = false;
    }
}

net::awaitable<void> dispatcher::remove(const core::message_id& id, const core::claim_id& claim) {
    try {
        auto outbox = outbox_address();
        co_await driver_.delete_message(std::move(outbox), id, claim);
    } catch (const std::exception& e) {
        // Most likely the claim expired during a slow attempt: the job is delivered again.
        spdlog::warn("notifications: cannot remove job {}: {}", id.value(), e.what());
    }
}

net::awaitable<void> dispatcher::deliver(core::message job_message, core::claim_id claim) {
    try {
        auto decoded = decode(job_message.body_json);
        if (!decoded) {
            spdlog::error("notifications: dropping unreadable job {}", job_message.id.value());
            co_await remove(job_message.id, claim);
            co_return;
        }
        auto j = std::move(*decoded);
        const auto source = j.source_address();
        // Delivery follows the subscription as it is now: deleted or expired ones get nothing.
        auto subscription = co_await subscriptions_.get_subscription(source, j.subscription);
        if (!subscription || (j.kind == job_kind::notification &&
                              options_.require_confirmation && !subscription->confirmed)) {
            co_await remove(job_message.id, claim);
            co_return;
        }
        const auto sub_options = parse_options(subscription->options_json);
        auto result = co_await attempt(j, *subscription, sub_options);
        if (result.delivered) {
            co_await remove(job_message.id, claim);
            co_return;
        }
        ++j.attempts;
        j.last_error = result.error;
        const auto queue = co_await queues_.cached(source);
        const auto policy = core::effective_retry_policy(queue->metadata, sub_options);
        const auto delay = core::retry_delay(policy, j.attempts - 1);
        if (!delay) {
            co_await dead_letter(j, *subscription, sub_options);
            co_await remove(job_message.id, claim);
            co_return;
        }
        spdlog::debug("notifications: {} failed ({}), retry {} in {} s", subscription->subscriber,
                      j.last_error, j.attempts, *delay);
        // The next attempt is stored before this one is removed: a crash in between
        // repeats an attempt, never loses one.
        std::vector<core::new_message> next{core::new_message{encode(j), options_.job_ttl, *delay}};
        auto outbox = outbox_address();
        co_await driver_.post_messages(std::move(outbox), notifier_client, std::move(next));
        co_await remove(job_message.id, claim);
        // A little after the job turns visible, so this wake-up does not find it still delayed.
        wake_at(steady::now() + std::chrono::seconds(*delay) + std::chrono::milliseconds(50));
    } catch (const std::exception& e) {
        // Storage trouble: the claim runs out and the job is tried again later.
        spdlog::warn("notifications: job {} left for later: {}", job_message.id.value(), e.what());
    }
}

net::awaitable<attempt_result> dispatcher::attempt(const job& j,
                                                   const core::subscription& subscription,
                                                   const json::object& sub_options) {
    std::string target = subscription.subscriber;
    // trust+http(s): Zaqar adds a Keystone trust token; there are no trusts here, so the
    // subscriber is called as plain http(s).
    if (target.starts_with("trust+")) target.erase(0, 6);
    if (target.starts_with("http://") || target.starts_with("https://")) {
        co_return co_await webhooks_.send(std::move(target), webhook_headers(sub_options),
                                          webhook_body(j, sub_options));
    }
    if (auto address = parse_mailto(target)) {
        co_return co_await mail_.send(mail_text(j, *address, sub_options));
    }
    co_return attempt_result{false, "unsupported subscriber " + target};
}

net::awaitable<void> dispatcher::dead_letter(const job& j, const core::subscription& subscription,
                                             const json::object& sub_options) {
    std::string queue = options_.dead_letter_queue;
    if (const auto* own = sub_options.if_contains("_dead_letter_queue");
        own && own->is_string() && core::is_valid_queue_name(own->get_string())) {
        queue = std::string(own->get_string());
    }
    spdlog::warn("notifications: giving up on {} for subscription {} after {} attempts: {}{}",
                 subscription.subscriber, j.subscription.value(), j.attempts, j.last_error,
                 queue.empty() ? "" : " (recorded in queue " + queue + ")");
    if (queue.empty()) co_return;
    json::object record;
    record["Message_Type"] = "NotificationFailure";
    record["subscription_id"] = j.subscription.value();
    record["subscriber"] = subscription.subscriber;
    record[j.topic ? "topic_name" : "queue_name"] = j.source.value();
    if (j.message) record["message_id"] = j.message->value();
    record["notification"] = json::parse(notification_json(j));
    record["attempts"] = j.attempts;
    record["last_error"] = j.last_error;
    record["failed_at"] = iso_time(clock_.now());
    std::vector<core::new_message> batch{
        core::new_message{json::serialize(record), options_.job_ttl, 0}};
    // A named address: g++ 12 mishandles braced temporaries in a co_await'ed call.
    core::queue_address where{j.project, core::queue_name{queue}};
    co_await driver_.post_messages(std::move(where), notifier_client, std::move(batch));
}

}  // namespace marconi::notify
