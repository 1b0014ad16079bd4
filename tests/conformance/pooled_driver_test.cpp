// Marconi. What the pooled driver adds to the storage contract: placement, routing through the
// catalog, listings merged across pools, and queues that predate pooling.
#include "contract_fixture.hpp"
#include "run_awaitable.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <set>

namespace marconi::conformance {
namespace {

using storage::pooled::placement_mode;
using storage::pooled::pooled_driver;

class pooled_driver_test : public ::testing::Test {
protected:
    template <class T>
    T run(net::awaitable<T> task) {
        return conformance::run(io_, std::move(task));
    }

    std::string uri(const std::string& file) const {
        return "sqlite:///" + (dir_.path() / file).string();
    }

    std::unique_ptr<storage::data_driver> open(const std::string& uri) {
        storage::driver_options options;
        options.uri = uri;
        options.sync = storage::sync_mode::off;
        return storage::make_driver(options, clock_);
    }

    std::unique_ptr<pooled_driver> pooled(placement_mode mode = placement_mode::weighted) {
        pooled_driver::options options;
        options.placement = mode;
        options.cache_age = std::chrono::milliseconds{0};
        auto open_pool = [this](const std::string& u) { return open(u); };
        return std::make_unique<pooled_driver>(*control_, open(uri("default.db")), open_pool,
                                               clock_, options);
    }

    void add_pool(std::string name, std::int64_t weight,
                  std::optional<std::string> flavor = std::nullopt) {
        core::pool_record pool{name, uri(name + ".db"), weight, std::move(flavor), "{}"};
        ASSERT_TRUE(run(control_->create_pool(std::move(pool))));
    }

    static core::queue_address queue(std::string name) {
        return {core::project_id{"p"}, core::queue_name{std::move(name)}};
    }

    std::string pool_of(const std::string& name) {
        return run(control_->lookup(queue(name))).value_or("<none>");
    }

    net::io_context io_;
    manual_clock clock_;
    temp_dir dir_{"marconi-pooled-test"};
    std::unique_ptr<storage::control_store> control_ =
        storage::make_control_store(uri("control.db"), storage::sync_mode::off);
};

TEST_F(pooled_driver_test, without_pools_queues_go_to_the_default_store) {
    auto d = pooled();
    EXPECT_TRUE(run(d->create_queue(queue("a"), "{}")));
    EXPECT_EQ(pool_of("a"), core::default_pool_name);
    auto direct = open(uri("default.db"));
    EXPECT_TRUE(run(direct->get_queue(queue("a"))));
}

TEST_F(pooled_driver_test, new_queues_spread_over_pools_by_weight_and_stay_where_placed) {
    add_pool("light", 1);
    add_pool("heavy", 3);
    auto d = pooled();
    std::map<std::string, int> placed;
    for (int i = 0; i < 200; ++i) {
        const auto name = "q" + std::to_string(i);
        core::new_message m{"{}", 3600, 0};
        std::vector<core::new_message> batch{m};
        run(d->post_messages(queue(name), core::client_id{"c"}, batch));  // creates lazily
        ++placed[pool_of(name)];
    }
    EXPECT_EQ(placed.size(), 2u);
    EXPECT_GT(placed["heavy"], placed["light"]);
    // The messages are in the placed pool's own store and nowhere else.
    auto light = open(uri("light.db"));
    auto heavy = open(uri("heavy.db"));
    for (int i = 0; i < 20; ++i) {
        const auto name = "q" + std::to_string(i);
        const auto in_light = run(light->get_queue_stats(queue(name))).total;
        const auto in_heavy = run(heavy->get_queue_stats(queue(name))).total;
        EXPECT_EQ(in_light + in_heavy, 1) << name;
        EXPECT_EQ(in_light, pool_of(name) == "light" ? 1 : 0) << name;
    }
}

TEST_F(pooled_driver_test, a_flavor_places_the_queue_among_its_pools_only) {
    add_pool("plain", 100);
    add_pool("gold-1", 100, "gold");
    add_pool("gold-2", 100, "gold");
    auto d = pooled();
    for (int i = 0; i < 20; ++i) {
        const auto name = "g" + std::to_string(i);
        run(d->create_queue(queue(name), R"({"_flavor":"gold"})"));
        EXPECT_TRUE(pool_of(name).starts_with("gold-")) << pool_of(name);
    }
    EXPECT_EQ(error_of([&] { run(d->create_queue(queue("x"), R"({"_flavor":"silver"})")); }),
              core::errc::invalid_request);
    EXPECT_EQ(pool_of("x"), "<none>");
}

TEST_F(pooled_driver_test, hashing_places_the_same_name_in_the_same_pool_on_every_head) {
    add_pool("a", 1);
    add_pool("b", 1);
    add_pool("c", 1);
    // Two heads on one control store would agree; so do two stores given the same names.
    temp_dir other_dir{"marconi-pooled-other"};
    auto other_control = storage::make_control_store(
        "sqlite:///" + (other_dir.path() / "control.db").string(), storage::sync_mode::off);
    for (const char* n : {"a", "b", "c"}) {
        core::pool_record pool{n, "sqlite:///" + (other_dir.path() / n).string() + ".db", 1,
                               std::nullopt, "{}"};
        run(other_control->create_pool(std::move(pool)));
    }
    pooled_driver::options options;
    options.placement = placement_mode::hash;
    options.cache_age = std::chrono::milliseconds{0};
    auto open_pool = [this](const std::string& u) { return open(u); };
    pooled_driver other{*other_control,
                        open("sqlite:///" + (other_dir.path() / "default.db").string()), open_pool,
                        clock_, options};
    auto d = pooled(placement_mode::hash);
    for (int i = 0; i < 30; ++i) {
        const auto name = "h" + std::to_string(i);
        run(d->create_queue(queue(name), "{}"));
        run(other.create_queue(queue(name), "{}"));
        EXPECT_EQ(pool_of(name), run(other_control->lookup(queue(name))).value());
    }
}

TEST_F(pooled_driver_test, listing_merges_every_pool_in_name_order) {
    add_pool("a", 1);
    add_pool("b", 1);
    auto d = pooled();
    std::set<std::string> pools_used;
    for (int i = 0; i < 12; ++i) {
        const auto name = "q" + std::string(1, static_cast<char>('a' + i));
        run(d->create_queue(queue(name), "{}"));
        pools_used.insert(pool_of(name));
    }
    ASSERT_EQ(pools_used.size(), 2u);
    core::queue_list_options options;
    options.limit = 5;
    std::vector<std::string> seen;
    while (true) {
        auto page = run(d->list_queues(core::project_id{"p"}, options));
        if (page.empty()) break;
        for (const auto& q : page) seen.push_back(q.name.value());
        options.marker = page.back().name.value();
    }
    std::vector<std::string> expected;
    for (int i = 0; i < 12; ++i)
        expected.push_back("q" + std::string(1, static_cast<char>('a' + i)));
    EXPECT_EQ(seen, expected);
    EXPECT_EQ(run(d->count_queues(core::project_id{"p"})), 12);
}

TEST_F(pooled_driver_test, a_queue_from_before_pooling_stays_in_the_default_store) {
    {
        auto plain = open(uri("default.db"));
        core::new_message m{R"({"old":true})", 3600, 0};
        std::vector<core::new_message> batch{m};
        run(plain->post_messages(queue("legacy"), core::client_id{"c"}, batch));
    }
    add_pool("new", 100);
    auto d = pooled();
    core::new_message m{R"({"new":true})", 3600, 0};
    std::vector<core::new_message> batch{m};
    run(d->post_messages(queue("legacy"), core::client_id{"c"}, batch));
    EXPECT_EQ(pool_of("legacy"), core::default_pool_name);
    EXPECT_EQ(run(d->get_queue_stats(queue("legacy"))).total, 2);
}

TEST_F(pooled_driver_test, deleting_a_queue_frees_its_catalog_entry) {
    add_pool("a", 1);
    auto d = pooled();
    run(d->create_queue(queue("gone"), "{}"));
    EXPECT_EQ(pool_of("gone"), "a");
    run(d->delete_queue(queue("gone")));
    EXPECT_EQ(pool_of("gone"), "<none>");
    EXPECT_EQ(run(control_->count_pool_queues("a")), 0);
}

TEST_F(pooled_driver_test, the_dead_letter_queue_is_registered_in_the_source_pool) {
    add_pool("a", 1);
    add_pool("b", 1);
    auto d = pooled();
    run(d->create_queue(queue("work"), "{}"));
    core::new_message m{R"("job")", 3600, 0};
    std::vector<core::new_message> batch{m};
    run(d->post_messages(queue("work"), core::client_id{"c"}, batch));
    core::dead_letter_policy policy{1, core::queue_name{"dead"}, std::nullopt};
    core::claim_options once{60, 60, 10};
    ASSERT_TRUE(run(d->create_claim(queue("work"), once, policy)));
    clock_.advance(std::chrono::seconds{61});
    EXPECT_FALSE(run(d->create_claim(queue("work"), once, policy)));  // moved, not claimed
    EXPECT_EQ(pool_of("dead"), pool_of("work"));
    EXPECT_EQ(run(d->get_queue_stats(queue("dead"))).total, 1);
}

}  // namespace
}  // namespace marconi::conformance
