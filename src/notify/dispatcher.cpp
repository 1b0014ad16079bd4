// Marconi.
#include "notify/dispatcher.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>
#include <algorithm>

#include "common/iso_time.hpp"
#include "common/json_depth.hpp"
#include "core/retry_policy.hpp"
#include "core/validation.hpp"
#include "notify/payload.hpp"

namespace marconi::notify {

namespace json = boost::json;

namespace {

constexpr std::int64_t claim_batch = 20;
/// A job handed back is claimable again after this long, so a blocked tenant's jobs pass
/// through the store about once a second, not as fast as it can write.
constexpr std::int64_t hand_back_delay_seconds = 1;
/// How long a job may wait in a full buffer where nothing can start, before it is handed
/// back to make room: long enough for a busy, healthy subscriber to drain its jobs.
constexpr std::chrono::milliseconds stuck_hold{200};
const core::client_id notifier_client{"marconi-notifier"};

json::object parse_options(const std::string& text) {
    boost::system::error_code ec;
    auto value = parse_own_json(text, ec);
    if (ec || !value.is_object()) return {};
    return std::move(value.as_object());
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
      timer_(strand_),
      scheduler_(options.max_workers, options.max_workers_per_project) {}

void dispatcher::start() { net::co_spawn(strand_, run(), net::detached); }

void dispatcher::wake() {
    net::post(strand_, [this] {
        woken_ = true;
        timer_.cancel();
    });
}

void dispatcher::wake_at(time_point when) {
    net::post(strand_, [this, when] {
        due_.push(when);
        timer_.cancel();
    });
}

std::size_t dispatcher::capacity() const { return 4 * options_.max_workers; }

void dispatcher::finished(fair_scheduler::ticket t, bool subscriber_failed) {
    scheduler_.finish(t, !subscriber_failed);
    woken_ = true;  // a free worker: take the next job at once
    timer_.cancel();
}

void dispatcher::returned() {
    --returning_;
    woken_ = true;
    timer_.cancel();
}

void dispatcher::start_ready() {
    while (const auto t = scheduler_.start()) {
        auto node = waiting_.extract(*t);
        auto& h = node.mapped();
        net::co_spawn(executor_, deliver(std::move(h.message.id), h.claim, std::move(h.decoded)),
                      [this, t = *t](std::exception_ptr, bool subscriber_failed) {
                          net::post(strand_, [this, t, subscriber_failed] {
                              finished(t, subscriber_failed);
                          });
                      });
    }
}

void dispatcher::hand_back_older_than(std::chrono::milliseconds hold) {
    const auto now = clock_.now();
    // waiting_ is in claim order: the oldest are first.
    while (!waiting_.empty() && waiting_.begin()->second.claimed + hold <= now) {
        auto node = waiting_.extract(waiting_.begin());
        scheduler_.remove(node.key());
        ++returning_;
        net::co_spawn(executor_, defer(std::move(node.mapped().message), node.mapped().claim),
                      [this](std::exception_ptr) { net::post(strand_, [this] { returned(); }); });
    }
}

net::awaitable<bool> dispatcher::claim_more(core::claim_options request) {
    std::optional<core::claim> claim;
    try {
        auto outbox = outbox_address();
        claim = co_await driver_.create_claim(std::move(outbox), request, std::nullopt);
    } catch (const std::exception& e) {
        spdlog::warn("notifications: cannot claim pending jobs: {}", e.what());
    }
    if (!claim) co_return false;
    const auto now = clock_.now();
    for (auto& m : claim->messages) {
        auto decoded = decode(m.body_json);
        if (!decoded) {
            spdlog::error("notifications: dropping unreadable job {}", m.id.value());
            co_await remove(m.id, claim->id);
            continue;
        }
        const auto t = next_ticket_++;
        scheduler_.add(t, decoded->project.value(), decoded->subscriber);
        waiting_.emplace(t, held_job{std::move(m), claim->id, std::move(*decoded), now});
    }
    co_return std::int64_t(claim->messages.size()) == request.limit;
}

net::awaitable<void> dispatcher::run() {
    // The claim must outlast the wait for a worker (at most one attempt's timeout, then the
    // job is handed back) and one attempt, plus the writes around them.
    const auto attempt_seconds =
        std::chrono::duration_cast<std::chrono::seconds>(options_.timeout).count();
    const core::claim_options lease{2 * attempt_seconds + 5, 60, claim_batch};
    for (;;) {
        hand_back_older_than(options_.timeout);
        start_ready();
        bool more = false;
        if (held() < capacity()) {
            auto request = lease;
            request.limit = std::min<std::int64_t>(claim_batch, capacity() - held());
            more = co_await claim_more(request);
            start_ready();
        }
        // Full of jobs none of which may start, with workers free: what lies behind them in
        // the outbox (other tenants' jobs) must get its turn.
        const bool stuck = held() >= capacity() && !waiting_.empty() &&
                           scheduler_.in_flight() < options_.max_workers;
        if (stuck) hand_back_older_than(stuck_hold);
        if (more && held() < capacity()) continue;
        const auto now = clock_.now();
        while (!due_.empty() && due_.top() <= now) due_.pop();
        auto deadline = now + options_.poll_interval;
        if (!due_.empty() && due_.top() < deadline) deadline = due_.top();
        if (!waiting_.empty()) {
            const auto hold = stuck ? stuck_hold : options_.timeout;
            deadline = std::min(deadline, waiting_.begin()->second.claimed + hold);
        }
        if (!woken_) {
            // A real-time wait for a clock_ interval: at most poll_interval, whatever the
            // clock does (a wall clock stepped back or a manual clock that stands still).
            timer_.expires_after(std::max(deadline - now, std::chrono::milliseconds::zero()));
            co_await timer_.async_wait(net::as_tuple(net::use_awaitable));
        }
        woken_ = false;
    }
}

net::awaitable<void> dispatcher::defer(core::message job_message, core::claim_id claim) {
    try {
        // As for a retry: the copy is stored before the claimed job is removed.
        std::vector<core::new_message> again{core::new_message{
            std::move(job_message.body_json), options_.job_ttl, hand_back_delay_seconds}};
        auto outbox = outbox_address();
        co_await driver_.post_messages(std::move(outbox), notifier_client, std::move(again));
        co_await remove(job_message.id, claim);
        wake_at(clock_.now() + std::chrono::seconds(hand_back_delay_seconds) +
                std::chrono::milliseconds(50));
    } catch (const std::exception& e) {
        // The claim runs out and the job is claimed again later.
        spdlog::warn("notifications: cannot hand back job {}: {}", job_message.id.value(),
                     e.what());
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

net::awaitable<bool> dispatcher::deliver(core::message_id id, core::claim_id claim, job j) {
    bool subscriber_failed = false;
    try {
        const auto source = j.source_address();
        // Delivery follows the subscription as it is now: deleted or expired ones get nothing.
        auto subscription = co_await subscriptions_.get_subscription(source, j.subscription);
        if (!subscription || (j.kind == job_kind::notification && options_.require_confirmation &&
                              !subscription->confirmed)) {
            co_await remove(id, claim);
            co_return false;
        }
        const auto sub_options = parse_options(subscription->options_json);
        auto result = co_await attempt(j, *subscription, sub_options);
        if (result.delivered) {
            co_await remove(id, claim);
            co_return false;
        }
        subscriber_failed = true;
        ++j.attempts;
        j.last_error = result.error;
        const auto queue = co_await queues_.cached(source);
        const auto policy = core::effective_retry_policy(queue->metadata, sub_options);
        const auto delay = core::retry_delay(policy, j.attempts - 1);
        if (!delay) {
            co_await dead_letter(j, *subscription, sub_options);
            co_await remove(id, claim);
            co_return true;
        }
        spdlog::debug("notifications: {} failed ({}), retry {} in {} s", subscription->subscriber,
                      j.last_error, j.attempts, *delay);
        // The next attempt is stored before this one is removed: a crash in between
        // repeats an attempt, never loses one.
        std::vector<core::new_message> next{core::new_message{encode(j), options_.job_ttl, *delay}};
        auto outbox = outbox_address();
        co_await driver_.post_messages(std::move(outbox), notifier_client, std::move(next));
        co_await remove(id, claim);
        // A little after the job turns visible, so this wake-up does not find it still delayed.
        wake_at(clock_.now() + std::chrono::seconds(*delay) + std::chrono::milliseconds(50));
    } catch (const std::exception& e) {
        // Storage trouble: the claim runs out and the job is tried again later.
        spdlog::warn("notifications: job {} left for later: {}", id.value(), e.what());
    }
    co_return subscriber_failed;
}

net::awaitable<attempt_result> dispatcher::attempt(const job& j,
                                                   const core::subscription& subscription,
                                                   const json::object& sub_options) {
    std::string target = subscription.subscriber;
    const bool trusted = target.starts_with("trust+");
    if (trusted) target.erase(0, 6);
    if (target.starts_with("http://") || target.starts_with("https://")) {
        auto headers = webhook_headers(sub_options);
        // trust+http(s): Zaqar's TrustTask sends a token from the subscription's trust. Without
        // Keystone (or a trust), the subscriber is called as plain http(s).
        const auto* trust_id = sub_options.if_contains("trust_id");
        if (trusted && trusts_ && trust_id && trust_id->is_string()) {
            auto token = co_await trusts_->token_for(std::string(trust_id->get_string()));
            if (token.token.empty()) co_return attempt_result{false, std::move(token.error)};
            add_auth_token(headers, std::move(token.token));
        }
        co_return co_await webhooks_.send(
            std::move(target), std::move(headers),
            webhook_body(j, sub_options, options_.include_message_id));
    }
    if (auto address = parse_mailto(target)) {
        co_return co_await mail_.send(
            mail_text(j, *address, sub_options, options_.include_message_id));
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
    record["notification"] = parse_own_json(notification_json(j, options_.include_message_id));
    record["attempts"] = j.attempts;
    record["last_error"] = j.last_error;
    record["failed_at"] = iso8601(clock_.now());
    std::vector<core::new_message> batch{
        core::new_message{json::serialize(record), options_.job_ttl, 0}};
    // A named address: g++ 12 mishandles braced temporaries in a co_await'ed call.
    core::queue_address where{j.project, core::queue_name{queue}};
    co_await driver_.post_messages(std::move(where), notifier_client, std::move(batch));
}

}  // namespace marconi::notify
