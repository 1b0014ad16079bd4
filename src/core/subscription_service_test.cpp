// Marconi. The subscription service over a real in-memory SQLite store: defaults, the queue it
// creates, duplicates with and without confirmation, and the fan-out list.
#include "core/subscription_service.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>

#include "core/services.hpp"
#include "core/validation.hpp"
#include "storage/contract/error.hpp"
#include "storage/factory/make_driver.hpp"

namespace marconi::core {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class subscription_service_test : public ::testing::Test {
protected:
    explicit subscription_service_test(bool require_confirmation = false)
        : driver_(open(clock_)),
          services_(*driver_, limits_, clock_, 0ms, notification_options{require_confirmation}) {}

    static std::unique_ptr<storage::data_driver> open(const clock& clock) {
        storage::driver_options options;
        options.uri = "sqlite://:memory:";
        options.sync = storage::sync_mode::off;
        return storage::make_driver(options, clock);
    }

    template <class T>
    T run(net::awaitable<T> task) {
        auto result = net::co_spawn(io_, std::move(task), net::use_future);
        io_.restart();
        io_.run();
        return result.get();
    }

    subscription_created create(std::string_view body) {
        return run(subs().create(source_, json::parse(body)));
    }

    subscription_service& subs() { return services_.subscriptions; }

    /// The errc a call threw, or nullopt.
    template <class Call>
    std::optional<errc> error_of(Call call) {
        try {
            call();
        } catch (const error& e) {
            return e.code();
        }
        return std::nullopt;
    }

    manual_clock clock_;
    limits limits_;
    net::io_context io_;
    std::unique_ptr<storage::data_driver> driver_;
    services services_;
    queue_address source_{project_id{"p"}, queue_name{"q"}};
};

class confirming_service_test : public subscription_service_test {
protected:
    confirming_service_test() : subscription_service_test(true) {}
};

TEST_F(subscription_service_test, create_applies_defaults_and_creates_the_queue) {
    EXPECT_FALSE(run(driver_->get_queue(source_)));
    const auto created = create(R"({"subscriber":"http://a.example"})");
    EXPECT_TRUE(created.created);
    EXPECT_FALSE(created.confirmed);  // as Zaqar stores them, confirmation required or not
    EXPECT_TRUE(run(driver_->get_queue(source_)));
    const auto s = run(subs().get(source_, created.id));
    EXPECT_EQ(s.ttl, 3600);
    EXPECT_EQ(s.options_json, "{}");
    EXPECT_FALSE(s.confirmed);
}

TEST_F(subscription_service_test, a_rejected_create_leaves_no_queue) {
    for (const char* body :
         {R"({"subscriber":"ftp://a"})", R"({"subscriber":null})", R"({"subscriber":"http://"})",
          R"({"subscriber":"http://[::1"})",
          R"({"subscriber":"http://a","options":{"post_headers":{"Host":"b"}}})"}) {
        EXPECT_EQ(error_of([&] { create(body); }), errc::invalid_request) << body;
    }
    EXPECT_FALSE(run(driver_->get_queue(source_)));
}

TEST_F(subscription_service_test, an_unconfirmed_duplicate_returns_the_existing_id) {
    const auto first = create(R"({"subscriber":"http://a.example"})");
    const auto again = create(R"({"subscriber":"http://a.example","ttl":120})");
    EXPECT_FALSE(again.created);
    EXPECT_EQ(again.id, first.id);
    EXPECT_EQ(run(subs().get(source_, first.id)).ttl, 3600);  // the first one, unchanged
}

TEST_F(subscription_service_test, a_confirmed_duplicate_conflicts) {
    const auto first = create(R"({"subscriber":"http://a.example"})");
    EXPECT_TRUE(run(subs().confirm(source_, first.id, json::parse(R"({"confirmed":true})"))));
    try {
        create(R"({"subscriber":"http://a.example","ttl":120})");
        FAIL() << "no conflict";
    } catch (const error& e) {
        EXPECT_EQ(e.code(), errc::conflict);
        EXPECT_EQ(e.description(),
                  "Such subscription already exists.Subscriptions are unique by project + queue "
                  "+ subscriber URI.");
    }
}

TEST_F(confirming_service_test, an_unconfirmed_duplicate_returns_the_existing_id) {
    const auto first = create(R"({"subscriber":"http://a.example"})");
    EXPECT_FALSE(first.confirmed);
    const auto again = create(R"({"subscriber":"http://a.example"})");
    EXPECT_FALSE(again.created);
    EXPECT_EQ(again.id, first.id);
    EXPECT_TRUE(run(subs().confirm(source_, first.id, json::parse(R"({"confirmed":true})"))));
    EXPECT_EQ(error_of([&] { create(R"({"subscriber":"http://a.example"})"); }), errc::conflict);
}

TEST_F(confirming_service_test, live_confirmed_skips_unconfirmed_and_expired_ones) {
    std::vector<subscription_id> confirmed;
    for (int i = 0; i < 250; ++i) {
        const auto body = R"({"subscriber":"http://h)" + std::to_string(i) + R"(.example"})";
        const auto id = create(body).id;
        if (i % 2 == 0) {
            run(subs().confirm(source_, id, json::parse(R"({"confirmed":true})")));
            confirmed.push_back(id);
        }
    }
    const auto short_lived = create(R"({"subscriber":"http://short.example","ttl":60})").id;
    run(subs().confirm(source_, short_lived, json::parse(R"({"confirmed":true})")));
    EXPECT_EQ(run(subs().live_confirmed(source_)).size(), confirmed.size() + 1);
    clock_.advance(60s);
    const auto live = run(subs().live_confirmed(source_));
    ASSERT_EQ(live.size(), confirmed.size());
    for (std::size_t i = 0; i < live.size(); ++i) EXPECT_EQ(live[i].id, confirmed[i]);
}

TEST_F(subscription_service_test, live_confirmed_counts_every_live_one_without_confirmation) {
    const auto id = create(R"({"subscriber":"http://a.example"})").id;
    run(subs().confirm(source_, id, json::parse(R"({"confirmed":false})")));
    create(R"({"subscriber":"http://b.example"})");
    EXPECT_EQ(run(subs().live_confirmed(source_)).size(), 2u);
}

TEST_F(subscription_service_test, purge_deletes_every_page) {
    for (int i = 0; i < 230; ++i) {
        const auto body = R"({"subscriber":"http://h)" + std::to_string(i) + R"(.example"})";
        create(body);
    }
    const queue_address other{project_id{"p"}, queue_name{"other"}};
    core::new_subscription kept{"http://kept.example", 3600, "{}", true};
    run(driver_->subscriptions().create_subscription(other, kept));
    run(subs().purge(source_));
    EXPECT_TRUE(run(subs().list(source_, std::nullopt, 20)).empty());
    EXPECT_EQ(run(subs().list(other, std::nullopt, 20)).size(), 1u);
}

TEST_F(subscription_service_test, update_needs_a_known_field_and_a_live_subscription) {
    const auto id = create(R"({"subscriber":"http://a.example"})").id;
    try {
        run(subs().update(source_, id, json::parse(R"({"other":1,"ttl":null})")));
        FAIL() << "accepted";
    } catch (const titled_error& e) {
        EXPECT_EQ(e.code(), errc::invalid_request);
        EXPECT_EQ(e.title(), "Unable to update subscription");
        EXPECT_EQ(e.description(), "Subscription " + id.value() + " could not be updated.");
    }
    run(subs().update(source_, id, json::parse(R"({"ttl":120,"options":{"a":1}})")));
    const auto s = run(subs().get(source_, id));
    EXPECT_EQ(s.ttl, 120);
    EXPECT_EQ(s.options_json, R"({"a":1})");
    const subscription_id unknown{"nope"};
    EXPECT_EQ(error_of([&] { run(subs().update(source_, unknown, json::parse(R"({"ttl":60})"))); }),
              errc::subscription_not_found);
}

TEST_F(subscription_service_test, list_bounds_its_limit_and_get_reports_missing_ones) {
    create(R"({"subscriber":"http://a.example"})");
    EXPECT_EQ(run(subs().list(source_, std::nullopt, std::nullopt)).size(), 1u);
    EXPECT_EQ(error_of([&] { run(subs().list(source_, std::nullopt, 21)); }),
              errc::invalid_request);
    try {
        run(subs().get(source_, subscription_id{"abc"}));
        FAIL() << "found";
    } catch (const error& e) {
        EXPECT_EQ(e.code(), errc::subscription_not_found);
        EXPECT_EQ(e.description(), "Subscription abc does not exist");
    }
}

/// Records the trusts asked for.
class recording_broker final : public trust_broker {
public:
    net::awaitable<std::string> create_trust(trustor who, std::string project,
                                             std::optional<time_point> expires) override {
        asked.push_back({who.user_id, project});
        last_expires = expires;
        co_return "trust-" + std::to_string(asked.size());
    }
    net::awaitable<trust_token> token_for(std::string) override { co_return trust_token{}; }

    std::vector<std::pair<std::string, std::string>> asked;  // (user, project)
    std::optional<time_point> last_expires;
};

TEST_F(subscription_service_test, trust_subscriber_gets_a_trust_expiring_with_it) {
    recording_broker broker;
    subs().set_trust_broker(&broker);
    const trustor alice{"tok", "alice", {"member"}};
    const auto created = run(subs().create(
        source_, json::parse(R"({"subscriber":"trust+http://a.example","ttl":600})"), alice));
    ASSERT_EQ(broker.asked.size(), 1u);
    EXPECT_EQ(broker.asked[0], (std::pair<std::string, std::string>{"alice", "p"}));
    EXPECT_EQ(broker.last_expires, clock_.now() + 600s);
    const auto s = run(subs().get(source_, created.id));
    EXPECT_EQ(json::parse(s.options_json).at("trust_id"), "trust-1");

    // Not for plain http, nor without a caller (noauth), nor when the options name a trust.
    run(subs().create(source_, json::parse(R"({"subscriber":"http://b.example"})"), alice));
    run(subs().create(source_, json::parse(R"({"subscriber":"trust+http://c.example"})")));
    const auto own = run(subs().create(
        source_,
        json::parse(R"({"subscriber":"trust+http://d.example","options":{"trust_id":"mine"}})"),
        alice));
    EXPECT_EQ(broker.asked.size(), 1u);
    EXPECT_EQ(json::parse(run(subs().get(source_, own.id)).options_json).at("trust_id"), "mine");
    // A topic's trust is on the client's project, not the stored topic address's.
    run(subs().create(topic_address(project_id{"p"}, queue_name{"t"}),
                      json::parse(R"({"subscriber":"trust+http://e.example"})"), alice));
    ASSERT_EQ(broker.asked.size(), 2u);
    EXPECT_EQ(broker.asked[1].second, "p");
}

}  // namespace
}  // namespace marconi::core
