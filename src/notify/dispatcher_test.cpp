// Marconi. The outbox end to end inside one process: message_service posts through the
// notifier into the outbox of a real (in-memory SQLite) store, the dispatcher claims and
// delivers to a real loopback HTTP receiver, re-queues failures and dead-letters exhausted
// jobs. Store and dispatcher share a manual clock: a delay or a hold passes when a test
// advances it (and wakes the dispatcher), never by sleeping. Tests wait for events (a
// request arriving, the outbox emptying); the deadlines only turn a hang into a failure.
// "Nothing more is delivered" is checked once the outbox is empty: every job stays in the
// outbox until its attempt has ended, so an empty outbox means no delivery can follow.
#include "notify/dispatcher.hpp"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <algorithm>
#include <condition_variable>
#include <thread>

#include "notify/notifier.hpp"
#include "storage/factory/make_driver.hpp"

namespace marconi::notify {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace json = boost::json;
using tcp = net::ip::tcp;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
/// How long a test waits for an event before it fails; never a reason to pass.
constexpr std::chrono::seconds wait_limit{10};

/// A loopback webhook endpoint answering 500 to the first `failures` requests.
struct receiver {
    explicit receiver(net::io_context& io)
        : acceptor(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {}

    tcp::acceptor acceptor;
    int failures = 0;
    std::mutex mutex;
    std::condition_variable arrived;
    std::vector<std::string> bodies;

    std::string url() const {
        return "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/h";
    }
    std::size_t count() {
        std::lock_guard lock(mutex);
        return bodies.size();
    }
    std::vector<std::string> wait_for(std::size_t count) {
        std::unique_lock lock(mutex);
        arrived.wait_for(lock, wait_limit, [&] { return bodies.size() >= count; });
        return bodies;
    }
};

/// Polls `done` until it holds; false if it still does not after wait_limit (a failure).
template <class Predicate>
bool eventually(Predicate done) {
    const auto give_up = std::chrono::steady_clock::now() + wait_limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > give_up) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling pace only
    }
    return true;
}

net::awaitable<void> serve(receiver& r) {
    for (;;) {
        auto [accept_ec, socket] = co_await r.acceptor.async_accept(use_tuple);
        if (accept_ec) co_return;
        beast::tcp_stream stream(std::move(socket));
        beast::flat_buffer buffer;
        bhttp::request<bhttp::string_body> request;
        auto [read_ec, n] = co_await bhttp::async_read(stream, buffer, request, use_tuple);
        if (read_ec) continue;
        bool fail = false;
        {
            std::lock_guard lock(r.mutex);
            fail = r.failures > 0;
            if (fail) --r.failures;
            r.bodies.push_back(request.body());
        }
        r.arrived.notify_all();
        bhttp::response<bhttp::string_body> reply{
            fail ? bhttp::status::internal_server_error : bhttp::status::ok, 11};
        reply.prepare_payload();
        co_await bhttp::async_write(stream, reply, use_tuple);
    }
}

/// A loopback webhook endpoint that reads each request and never answers; counts the
/// requests it holds open at once (until the dispatcher's timeout closes them).
struct hanging_endpoint {
    explicit hanging_endpoint(net::io_context& io)
        : acceptor(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {}

    tcp::acceptor acceptor;
    std::mutex mutex;
    std::condition_variable changed;
    std::size_t open = 0;
    std::size_t max_open = 0;

    std::string url(int n) const {
        return "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/" +
               std::to_string(n);
    }
    bool wait_for_open(std::size_t count) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, wait_limit, [&] { return open >= count; });
    }
};

net::awaitable<void> hold(hanging_endpoint& h, tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> request;
    auto [read_ec, n] = co_await bhttp::async_read(stream, buffer, request, use_tuple);
    if (read_ec) co_return;
    {
        std::lock_guard lock(h.mutex);
        h.max_open = std::max(h.max_open, ++h.open);
    }
    h.changed.notify_all();
    char byte;
    co_await stream.async_read_some(net::buffer(&byte, 1), use_tuple);  // until it hangs up
    {
        std::lock_guard lock(h.mutex);
        --h.open;
    }
    h.changed.notify_all();
}

net::awaitable<void> serve_hanging(hanging_endpoint& h) {
    for (;;) {
        auto [accept_ec, socket] = co_await h.acceptor.async_accept(use_tuple);
        if (accept_ec) co_return;
        net::co_spawn(h.acceptor.get_executor(), hold(h, std::move(socket)), net::detached);
    }
}

class dispatcher_test : public testing::Test {
protected:
    dispatcher_test()
        : driver_(storage::make_driver(memory_options(), clock_)),
          services_(*driver_, limits_, clock_),
          dispatcher_(io_.get_executor(), *driver_, driver_->subscriptions(), services_.queues,
                      clock_, options()),
          notifier_(*driver_, services_.subscriptions, dispatcher_, clock_, options_) {
        services_.messages.set_post_observer(&notifier_);
        net::co_spawn(io_, serve(receiver_), net::detached);
        net::co_spawn(io_, serve_hanging(hanging_), net::detached);
        dispatcher_.start();
        thread_ = std::jthread([this] { io_.run(); });
    }
    ~dispatcher_test() override {
        io_.stop();
        thread_.join();
    }

    static storage::driver_options memory_options() {
        storage::driver_options o;
        o.uri = "sqlite://:memory:";
        o.sync = storage::sync_mode::off;
        return o;
    }
    const notify::options& options() {
        // Real time, the attempts' own deadline: long, so that hanging subscribers still hang
        // while a test looks (no test waits for it).
        options_.timeout = std::chrono::seconds(30);
        options_.max_workers = 4;  // few, so that few subscribers can hang them all
        options_.max_workers_per_project = 2;
        options_.dead_letter_queue = "failures";
        options_.include_message_id = true;
        return options_;
    }

    template <class T>
    T run(net::awaitable<T> work) {
        return net::co_spawn(io_, std::move(work), net::use_future).get();
    }

    core::subscription_id subscribe(const std::string& options_json) {
        return subscribe_to(queue_, options_json);
    }
    core::subscription_id subscribe_to(const core::queue_address& source,
                                       const std::string& options_json,
                                       std::string subscriber = {}) {
        if (subscriber.empty()) subscriber = receiver_.url();
        core::new_subscription s{std::move(subscriber), 3600, options_json, true};
        return run(driver_->subscriptions().create_subscription(source, s)).id;
    }
    std::vector<core::message_id> post(std::string body) {
        return post_to(queue_, std::move(body));
    }
    std::vector<core::message_id> post_to(const core::queue_address& source, std::string body) {
        std::vector<core::message_input> batch{core::message_input{std::move(body), 300, {}}};
        return run(services_.messages.post(source, core::client_id{"c"}, std::move(batch), 10));
    }
    std::int64_t outbox_total() { return run(driver_->get_queue_stats(outbox_address())).total; }
    core::queue_stats outbox_stats() { return run(driver_->get_queue_stats(outbox_address())); }
    /// Moves the shared clock on and has the dispatcher look at once.
    void advance(std::chrono::milliseconds by) {
        clock_.advance(by);
        dispatcher_.wake();
    }

    // First, so it is destroyed last, after everything holding work queued on it (as in the app).
    net::io_context io_;
    manual_clock clock_;
    core::limits limits_;
    std::unique_ptr<storage::data_driver> driver_;
    core::services services_;
    notify::options options_;
    receiver receiver_{io_};
    hanging_endpoint hanging_{io_};
    dispatcher dispatcher_;
    notifier notifier_;
    std::jthread thread_;
    const core::queue_address queue_{core::project_id{"p"}, core::queue_name{"orders"}};
};

TEST_F(dispatcher_test, delivers_each_posted_message_once_and_empties_the_outbox) {
    EXPECT_EQ(post(R"("before any subscription")").size(), 1u);
    subscribe("{}");
    notifier_.subscriptions_changed(queue_);
    const auto ids = post(R"({"n":1})");
    const auto bodies = receiver_.wait_for(1);
    ASSERT_EQ(bodies.size(), 1u);
    EXPECT_EQ(json::parse(bodies[0]),
              json::parse(R"({"body":{"n":1},"ttl":300,"queue_name":"orders",
                  "Message_Type":"Notification","message_id":")" +
                          ids[0].value() + "\"}"));
    ASSERT_TRUE(eventually([&] { return outbox_total() == 0; }));
    EXPECT_EQ(receiver_.count(), 1u);  // once, and nothing for the post before subscribing
}

TEST_F(dispatcher_test, topic_posts_fan_out_to_the_topics_subscribers) {
    const auto topic = core::topic_address(core::project_id{"p"}, core::queue_name{"news"});
    subscribe_to(topic, "{}");
    const auto ids = post_to(topic, R"("extra")");
    post(R"("to the queue, which has no subscribers")");
    const auto bodies = receiver_.wait_for(1);
    ASSERT_EQ(bodies.size(), 1u);
    const auto doc = json::parse(bodies[0]);
    EXPECT_EQ(doc.at("queue_name"), "news");
    EXPECT_EQ(doc.at("message_id"), json::value(ids[0].value()));
    ASSERT_TRUE(eventually([&] { return outbox_total() == 0; }));
    EXPECT_EQ(receiver_.count(), 1u);  // the queue's post notified no one
}

TEST_F(dispatcher_test, failures_are_requeued_then_dead_lettered) {
    receiver_.failures = 1000;
    // Unvalidated on purpose (maximum_delay - minimum_delay < 10), to keep the test short:
    // retries after 0, 0, 0 (linear backoff from 0) and 1 s.
    const auto id = subscribe(R"({"_retry_policy":{"retries_with_no_delay":1,
        "minimum_delay_retries":1,"minimum_delay":0,"maximum_delay":1,
        "maximum_delay_retries":1}})");
    const auto ids = post(R"("doomed")");
    EXPECT_EQ(receiver_.wait_for(4).size(), 4u);
    // The fourth failure stores the last retry, delayed by 1 s, and removes the attempt: one
    // job left, unclaimed. It stays there until that second has passed on the clock.
    ASSERT_TRUE(eventually([&] {
        const auto stats = outbox_stats();
        return stats.total == 1 && stats.claimed == 0;
    }));
    advance(std::chrono::seconds(1));
    EXPECT_EQ(receiver_.wait_for(5).size(), 5u);
    // Dead-lettered, then removed: once the outbox is empty, nothing more can be delivered.
    ASSERT_TRUE(eventually([&] { return outbox_total() == 0; }));
    const core::queue_address failures{core::project_id{"p"}, core::queue_name{"failures"}};
    core::message_list_options list;
    list.echo = true;
    const auto records = run(driver_->list_messages(failures, list)).messages;
    ASSERT_EQ(records.size(), 1u);
    const auto record = json::parse(records[0].body_json);
    EXPECT_EQ(record.at("attempts"), 5);
    EXPECT_EQ(record.at("last_error"), "HTTP 500");
    EXPECT_EQ(record.at("message_id"), json::value(ids[0].value()));
    EXPECT_EQ(record.at("subscription_id"), json::value(id.value()));
    EXPECT_EQ(receiver_.count(), 5u);  // nothing after giving up
}

// 12 hanging subscribers x 2 messages: more jobs than the dispatcher holds (4 x 4 workers),
// all ahead of project b's in the outbox. b's is claimed once a's waiting jobs are handed
// back to make room, and delivered while a's hang; a never holds more than its 2 of the 4
// workers.
TEST_F(dispatcher_test, hanging_subscribers_of_one_project_hold_only_its_share) {
    const core::queue_address a{core::project_id{"a"}, core::queue_name{"q"}};
    const core::queue_address b{core::project_id{"b"}, core::queue_name{"q"}};
    for (int i = 0; i < 12; ++i) subscribe_to(a, "{}", hanging_.url(i));
    notifier_.subscriptions_changed(a);
    post_to(a, R"("one")");
    post_to(a, R"("two")");
    ASSERT_TRUE(hanging_.wait_for_open(2));
    subscribe_to(b, "{}");
    notifier_.subscriptions_changed(b);
    const auto ids = post_to(b, R"("b's")");
    // The buffer is full of a's jobs, none of which may start: they are handed back once
    // held for stuck_hold (200 ms) on the clock.
    advance(std::chrono::milliseconds(200));
    const auto bodies = receiver_.wait_for(1);
    ASSERT_EQ(bodies.size(), 1u);
    EXPECT_EQ(json::parse(bodies[0]).at("message_id"), json::value(ids[0].value()));
    std::lock_guard lock(hanging_.mutex);
    EXPECT_GT(hanging_.open, 0u);  // b's arrived while a's still hung
    EXPECT_EQ(hanging_.max_open, 2u);
}

}  // namespace
}  // namespace marconi::notify
