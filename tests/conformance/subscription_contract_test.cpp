// Marconi. Subscription contract (storage/subscription_store.hpp): creation order and paging,
// uniqueness per (project, source, subscriber), updates, confirmation, expiry and isolation.
// Runs against every driver in driver_types.
#include "contract_fixture.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>

#include <future>
#include <set>

namespace marconi::conformance {
namespace {

using core::errc;

template <class Factory>
class subscription_contract : public contract_test<Factory> {
protected:
    storage::subscription_store& store() { return this->driver_->subscriptions(); }

    core::subscription_created create(const core::queue_address& source, std::string subscriber,
                                      std::int64_t ttl = 3600, std::string options = "{}",
                                      bool confirmed = true) {
        core::new_subscription s{std::move(subscriber), ttl, std::move(options), confirmed};
        return this->run(store().create_subscription(source, std::move(s)));
    }

    std::optional<core::subscription> get(const core::queue_address& source,
                                          const core::subscription_id& id) {
        return this->run(store().get_subscription(source, id));
    }

    std::vector<core::subscription> list(const core::queue_address& source,
                                         std::optional<std::string> marker = std::nullopt,
                                         std::int64_t limit = 10) {
        return this->run(store().list_subscriptions(source, std::move(marker), limit));
    }

    static std::vector<std::string> subscribers(const std::vector<core::subscription>& page) {
        std::vector<std::string> out;
        for (const auto& s : page) out.push_back(s.subscriber);
        return out;
    }
};
TYPED_TEST_SUITE(subscription_contract, driver_types, driver_names);

TYPED_TEST(subscription_contract, create_then_get_returns_what_was_stored) {
    auto q = this->queue("jobs");
    const auto created = this->create(q, "http://example.com/hook", 600, R"({"a":1})", false);
    EXPECT_TRUE(created.created);
    EXPECT_FALSE(created.confirmed);
    EXPECT_FALSE(created.id.value().empty());

    this->advance(5s);
    const auto s = this->get(q, created.id);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->id, created.id);
    EXPECT_EQ(s->subscriber, "http://example.com/hook");
    EXPECT_EQ(s->ttl, 600);
    EXPECT_EQ(s->age(this->clock_.now()), 5);
    EXPECT_EQ(s->expires - s->created, 600s);
    EXPECT_EQ(s->options_json, R"({"a":1})");
    EXPECT_FALSE(s->confirmed);
}

TYPED_TEST(subscription_contract, subscriptions_do_not_need_their_queue) {
    auto q = this->queue("never-created");
    const auto created = this->create(q, "mailto:a@example.com");
    EXPECT_TRUE(this->get(q, created.id));
    EXPECT_FALSE(this->run(this->driver_->get_queue(q)));
}

TYPED_TEST(subscription_contract, list_pages_in_creation_order) {
    auto q = this->queue("jobs");
    // Subscribers in anything but creation order, so name order cannot pass for it.
    const std::vector<std::string> made{"https://z.example", "http://a.example",
                                        "mailto:m@example.com", "https://b.example",
                                        "http://y.example"};
    std::vector<core::subscription_id> ids;
    for (const auto& s : made) ids.push_back(this->create(q, s).id);

    const auto first = this->list(q, std::nullopt, 2);
    EXPECT_EQ(this->subscribers(first),
              (std::vector<std::string>{"https://z.example", "http://a.example"}));
    const auto second = this->list(q, first.back().id.value(), 2);
    EXPECT_EQ(this->subscribers(second),
              (std::vector<std::string>{"mailto:m@example.com", "https://b.example"}));
    const auto third = this->list(q, second.back().id.value(), 2);
    EXPECT_EQ(this->subscribers(third), (std::vector<std::string>{"http://y.example"}));
    EXPECT_TRUE(this->list(q, third.back().id.value(), 2).empty());
    EXPECT_EQ(this->list(q).size(), 5u);
    EXPECT_EQ(this->list(q).front().id, ids.front());

    // A deleted marker still resumes after it.
    this->run(this->store().delete_subscription(q, ids[1]));
    EXPECT_EQ(this->subscribers(this->list(q, ids[1].value(), 10)),
              (std::vector<std::string>{"mailto:m@example.com", "https://b.example",
                                        "http://y.example"}));
}

TYPED_TEST(subscription_contract, a_live_subscriber_is_unique_per_source) {
    auto q = this->queue("jobs");
    const auto first = this->create(q, "http://example.com/hook", 3600, "{}", false);
    const auto again = this->create(q, "http://example.com/hook", 60, R"({"x":1})", true);
    EXPECT_FALSE(again.created);
    EXPECT_EQ(again.id, first.id);
    EXPECT_FALSE(again.confirmed);  // the existing one's state, untouched
    const auto s = this->get(q, first.id);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->ttl, 3600);
    EXPECT_EQ(s->options_json, "{}");
    EXPECT_EQ(this->list(q).size(), 1u);

    this->run(this->store().confirm_subscription(q, first.id, true));
    EXPECT_TRUE(this->create(q, "http://example.com/hook").confirmed);

    // The same subscriber on another source is another subscription.
    EXPECT_TRUE(this->create(this->queue("other"), "http://example.com/hook").created);
}

net::awaitable<core::subscription_created> create_on(storage::subscription_store& store,
                                                     core::queue_address source,
                                                     std::string subscriber) {
    core::new_subscription subscription{std::move(subscriber), 3600, "{}", true};
    co_return co_await store.create_subscription(std::move(source), std::move(subscription));
}

TYPED_TEST(subscription_contract, concurrent_creates_of_one_subscriber_make_one_subscription) {
    constexpr int clients = 32;
    auto q = this->queue("busy");
    net::thread_pool pool{4};
    std::vector<std::future<core::subscription_created>> results;
    for (int i = 0; i < clients; ++i) {
        results.push_back(net::co_spawn(pool, create_on(this->store(), q, "http://same.example"),
                                        net::use_future));
    }
    int created = 0;
    std::set<core::subscription_id> ids;
    for (auto& r : results) {
        const auto outcome = r.get();
        created += outcome.created ? 1 : 0;
        ids.insert(outcome.id);
    }
    pool.join();
    EXPECT_EQ(created, 1);
    EXPECT_EQ(ids.size(), 1u);
    EXPECT_EQ(this->list(q).size(), 1u);
}

TYPED_TEST(subscription_contract, update_changes_only_the_given_fields) {
    auto q = this->queue("jobs");
    const auto id = this->create(q, "http://old.example", 600, R"({"a":1})").id;
    this->advance(100s);

    core::subscription_update ttl_only;
    ttl_only.ttl = 120;
    this->run(this->store().update_subscription(q, id, ttl_only));
    auto s = this->get(q, id);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->subscriber, "http://old.example");
    EXPECT_EQ(s->options_json, R"({"a":1})");
    EXPECT_EQ(s->ttl, 120);
    EXPECT_EQ(s->age(this->clock_.now()), 100);  // age still counts from creation
    EXPECT_EQ(s->expires, this->clock_.now() + 120s);

    core::subscription_update rest;
    rest.subscriber = "mailto:new@example.com";
    rest.options_json = R"({"b":2})";
    this->run(this->store().update_subscription(q, id, rest));
    s = this->get(q, id);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->subscriber, "mailto:new@example.com");
    EXPECT_EQ(s->options_json, R"({"b":2})");
    EXPECT_EQ(s->ttl, 120);

    // The old subscriber is free again; the new one is taken.
    EXPECT_TRUE(this->create(q, "http://old.example").created);
    EXPECT_FALSE(this->create(q, "mailto:new@example.com").created);
}

TYPED_TEST(subscription_contract, update_to_another_live_subscriber_conflicts) {
    auto q = this->queue("jobs");
    const auto a = this->create(q, "http://a.example").id;
    this->create(q, "http://b.example");
    core::subscription_update to_b;
    to_b.subscriber = "http://b.example";
    EXPECT_EQ(error_of([&] { this->run(this->store().update_subscription(q, a, to_b)); }),
              errc::conflict);
    EXPECT_EQ(this->get(q, a)->subscriber, "http://a.example");

    // Its own subscriber is no conflict.
    core::subscription_update to_self;
    to_self.subscriber = "http://a.example";
    this->run(this->store().update_subscription(q, a, to_self));
    EXPECT_EQ(this->get(q, a)->subscriber, "http://a.example");
}

TYPED_TEST(subscription_contract, unknown_or_malformed_ids_are_not_found) {
    auto q = this->queue("jobs");
    const auto id = this->create(q, "http://a.example").id;
    for (const auto& bad : {std::string{"nope"}, std::string(24, 'f'), id.value() + "0"}) {
        const core::subscription_id other{bad};
        EXPECT_FALSE(this->get(q, other)) << bad;
        core::subscription_update update;
        update.ttl = 100;
        EXPECT_EQ(error_of([&] { this->run(this->store().update_subscription(q, other, update)); }),
                  errc::subscription_not_found)
            << bad;
        EXPECT_EQ(error_of([&] { this->run(this->store().confirm_subscription(q, other, true)); }),
                  errc::subscription_not_found)
            << bad;
        this->run(this->store().delete_subscription(q, other));  // idempotent, no error
    }
    EXPECT_TRUE(this->get(q, id));
    EXPECT_EQ(error_of([&] { this->list(q, std::string{"not-a-marker"}); }), errc::invalid_request);
}

TYPED_TEST(subscription_contract, delete_is_idempotent) {
    auto q = this->queue("jobs");
    const auto id = this->create(q, "http://a.example").id;
    this->run(this->store().delete_subscription(q, id));
    this->run(this->store().delete_subscription(q, id));
    EXPECT_FALSE(this->get(q, id));
    EXPECT_TRUE(this->list(q).empty());
    EXPECT_TRUE(this->create(q, "http://a.example").created);
}

TYPED_TEST(subscription_contract, confirm_sets_and_clears_the_flag) {
    auto q = this->queue("jobs");
    const auto id = this->create(q, "http://a.example", 3600, "{}", false).id;
    this->run(this->store().confirm_subscription(q, id, true));
    EXPECT_TRUE(this->get(q, id)->confirmed);
    this->run(this->store().confirm_subscription(q, id, false));
    EXPECT_FALSE(this->get(q, id)->confirmed);
    EXPECT_FALSE(this->list(q).front().confirmed);
}

TYPED_TEST(subscription_contract, expired_subscriptions_are_gone_everywhere) {
    auto q = this->queue("jobs");
    const auto old_one = this->create(q, "http://a.example", 60).id;
    const auto kept = this->create(q, "http://b.example", 600).id;
    this->advance(60s);

    EXPECT_FALSE(this->get(q, old_one));
    EXPECT_EQ(this->subscribers(this->list(q)), (std::vector<std::string>{"http://b.example"}));
    core::subscription_update update;
    update.ttl = 600;
    EXPECT_EQ(error_of([&] { this->run(this->store().update_subscription(q, old_one, update)); }),
              errc::subscription_not_found);
    EXPECT_EQ(error_of([&] { this->run(this->store().confirm_subscription(q, old_one, true)); }),
              errc::subscription_not_found);

    // Its subscriber is free: a new subscription, not the expired one.
    const auto fresh = this->create(q, "http://a.example", 60);
    EXPECT_TRUE(fresh.created);
    EXPECT_NE(fresh.id, old_one);
    // ... and another may move to it once the holder expired.
    this->advance(60s);
    core::subscription_update move;
    move.subscriber = "http://a.example";
    move.ttl = 600;
    this->run(this->store().update_subscription(q, kept, move));
    EXPECT_EQ(this->get(q, kept)->subscriber, "http://a.example");
    EXPECT_GE(this->run(this->driver_->collect_garbage()), 0);
    EXPECT_EQ(this->subscribers(this->list(q)), (std::vector<std::string>{"http://a.example"}));
}

TYPED_TEST(subscription_contract, projects_and_sources_are_isolated) {
    auto mine = this->queue("jobs", "project-a");
    auto theirs = this->queue("jobs", "project-b");
    auto sibling = this->queue("jobs2", "project-a");
    auto topic = core::topic_address(core::project_id{"project-a"}, core::queue_name{"jobs"});

    const auto id = this->create(mine, "http://a.example").id;
    EXPECT_TRUE(this->create(theirs, "http://a.example").created);
    EXPECT_TRUE(this->create(topic, "http://a.example").created);
    EXPECT_TRUE(this->list(sibling).empty());

    for (const auto& other : {theirs, sibling, topic}) {
        EXPECT_FALSE(this->get(other, id));
        EXPECT_EQ(this->list(other).size(), other.name.value() == "jobs2" ? 0u : 1u);
        core::subscription_update update;
        update.ttl = 100;
        auto& store = this->store();
        EXPECT_EQ(error_of([&] { this->run(store.update_subscription(other, id, update)); }),
                  errc::subscription_not_found);
        EXPECT_EQ(error_of([&] { this->run(store.confirm_subscription(other, id, false)); }),
                  errc::subscription_not_found);
        this->run(this->store().delete_subscription(other, id));
    }
    const auto s = this->get(mine, id);
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->confirmed);
    EXPECT_EQ(s->ttl, 3600);
}

TYPED_TEST(subscription_contract, deleting_the_queue_keeps_its_subscriptions) {
    auto q = this->queue("jobs");
    this->run(this->driver_->create_queue(q, "{}"));
    const auto id = this->create(q, "http://a.example").id;
    this->run(this->driver_->delete_queue(q));
    EXPECT_TRUE(this->get(q, id));
}

}  // namespace
}  // namespace marconi::conformance
