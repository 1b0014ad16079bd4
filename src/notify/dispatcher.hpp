// Marconi. Delivers the outbox's jobs: claims a batch (the claim is the lease: if this server
// dies, the claim expires and any server takes the jobs again), delivers each, and deletes it
// once delivered. A failed attempt re-queues the job with its attempt count and a delay taken
// from the retry policy, so waiting costs neither a worker nor a held claim, and a restart
// continues the schedule where it stopped. A job whose retries are used up becomes a record in
// the dead-letter queue. Several servers sharing a store share the outbox safely.
//
// Fairness (fair_scheduler): claimed jobs wait here for a worker, at most one attempt per
// subscriber and max_workers_per_project per project in flight. A claimed job waits at most
// one attempt's timeout (so its attempt ends well within the claim); one that cannot start by
// then, or that fills the buffer while nothing in it may start, is handed back: posted again
// at the tail of the outbox with a short delay, then removed. So the outbox's head always
// moves, and jobs of other tenants behind a hanging tenant's are claimed and started.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <map>
#include <queue>
#include <vector>

#include "common/clock.hpp"
#include "core/services.hpp"
#include "core/trusts.hpp"
#include "notify/delivery.hpp"
#include "notify/fair_scheduler.hpp"
#include "notify/job.hpp"
#include "notify/mail_sender.hpp"
#include "notify/options.hpp"
#include "notify/webhook_sender.hpp"
#include "storage/contract/driver.hpp"
#include "storage/contract/model.hpp"
#include "storage/contract/subscription_store.hpp"

namespace marconi::notify {

/// The loop runs on its own strand; deliveries run on the io executor, at most
/// options.max_workers at once (fair_scheduler decides which). wake() and wake_at() may be
/// called from any thread. Lives until the io_context has stopped.
///
/// Every time it reasons about (how long a job has been held, when a re-queued job is due)
/// comes from the injected clock, the one the store uses for claims and delays, so a test on
/// a manual clock decides when that time passes; the loop waits at most poll_interval of real
/// time between looks, and wake() makes it look at once. Only the attempts' own network and
/// subprocess deadlines (options.timeout) run on real time.
class dispatcher {
public:
    dispatcher(net::any_io_executor executor, storage::data_driver& driver,
               storage::subscription_store& subscriptions, core::queue_service& queues,
               const clock& clock, const options& options);

    /// Starts the loop on the dispatcher's strand; call once.
    void start();
    /// Jobs were just posted: look at once.
    void wake();
    /// Tokens for trust+ subscribers whose options hold a trust_id (Keystone only); set once
    /// before start(), or never (then trust+ subscribers are called as plain http(s)).
    void set_trust_broker(core::trust_broker* trusts) { trusts_ = trusts; }

private:
    /// A claimed job not yet started.
    struct held_job {
        core::message message;
        core::claim_id claim;
        job decoded;
        time_point claimed;  ///< on clock_
    };

    /// Returns only if the io_context stops. Must run on strand_, like everything it touches.
    net::awaitable<void> run();
    /// Claims up to request.limit jobs for the scheduler; true if it got that many (so more
    /// may be pending).
    net::awaitable<bool> claim_more(core::claim_options request);
    void start_ready();  // on strand_
    /// Hands back to the outbox every waiting job claimed at least `hold` ago.
    void hand_back_older_than(std::chrono::milliseconds hold);  // on strand_
    /// Claimed jobs this server holds at most: waiting, in flight or being handed back.
    std::size_t capacity() const;
    std::size_t held() const { return scheduler_.waiting() + scheduler_.in_flight() + returning_; }
    /// True when the subscriber failed (no answer, an error status): it counts against it.
    net::awaitable<bool> deliver(core::message_id id, core::claim_id claim, job j);
    net::awaitable<void> defer(core::message job_message, core::claim_id claim);
    net::awaitable<attempt_result> attempt(const job& j, const core::subscription& subscription,
                                           const boost::json::object& options);
    net::awaitable<void> dead_letter(const job& j, const core::subscription& subscription,
                                     const boost::json::object& options);
    net::awaitable<void> remove(const core::message_id& id, const core::claim_id& claim);
    void wake_at(time_point when);
    void finished(fair_scheduler::ticket t, bool subscriber_failed);  // on strand_
    void returned();                                                  // on strand_

    storage::data_driver& driver_;
    storage::subscription_store& subscriptions_;
    core::queue_service& queues_;
    const clock& clock_;
    const options options_;
    webhook_sender webhooks_;
    mail_sender mail_;
    core::trust_broker* trusts_ = nullptr;
    net::any_io_executor executor_;
    net::strand<net::any_io_executor> strand_;
    // Touched only on strand_:
    net::steady_timer timer_;
    bool woken_ = false;
    fair_scheduler scheduler_;
    fair_scheduler::ticket next_ticket_ = 1;
    std::map<fair_scheduler::ticket, held_job> waiting_;  ///< oldest claim first
    std::size_t returning_ = 0;                           ///< jobs being handed back to the outbox
    std::priority_queue<time_point, std::vector<time_point>, std::greater<>>
        due_;  ///< when re-queued jobs of this server become deliverable (on clock_)
};

}  // namespace marconi::notify
