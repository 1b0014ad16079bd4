// Marconi. The control-store contract: pools, flavors and the catalog, on every control store.
#include "control_factories.hpp"
#include "run_awaitable.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace marconi::conformance {
namespace {

template <class Factory>
class control_contract : public ::testing::Test {
protected:
    template <class T>
    T run(net::awaitable<T> task) {
        return conformance::run(io_, std::move(task));
    }

    static core::pool_record pool(std::string name, std::int64_t weight = 100,
                                  std::optional<std::string> flavor = std::nullopt) {
        return {std::move(name), "redis://10.0.0.1:6379", weight, std::move(flavor),
                R"({"max_connections":8})"};
    }

    static core::queue_address queue(std::string name, std::string project = "project-a") {
        return {core::project_id{std::move(project)}, core::queue_name{std::move(name)}};
    }

    static core::flavor_record flavor(std::string name, std::string project = "project-a") {
        return {core::project_id{std::move(project)}, std::move(name)};
    }

    static std::vector<std::string> names(const std::vector<core::pool_record>& pools) {
        std::vector<std::string> out;
        for (const auto& p : pools) out.push_back(p.name);
        return out;
    }

    net::io_context io_;
    Factory factory_;
    std::unique_ptr<storage::control_store> store_ = factory_.open();
};

TYPED_TEST_SUITE(control_contract, control_store_types, driver_names);

TYPED_TEST(control_contract, create_pool_once_and_read_it_back_verbatim) {
    auto& s = *this->store_;
    auto p = this->pool("alpha", 42, "gold");
    EXPECT_TRUE(this->run(s.create_pool(p)));
    auto clash = this->pool("alpha", 7);
    EXPECT_FALSE(this->run(s.create_pool(clash)));
    EXPECT_EQ(this->run(s.get_pool("alpha")), p);  // the first one stays
    EXPECT_EQ(this->run(s.get_pool("missing")), std::nullopt);
}

TYPED_TEST(control_contract, pool_without_flavor_reads_back_without_one) {
    auto& s = *this->store_;
    EXPECT_TRUE(this->run(s.create_pool(this->pool("plain"))));
    auto got = this->run(s.get_pool("plain"));
    ASSERT_TRUE(got);
    EXPECT_EQ(got->flavor, std::nullopt);
}

TYPED_TEST(control_contract, list_pools_pages_in_name_order) {
    auto& s = *this->store_;
    for (const char* n : {"c", "a", "d", "b"}) this->run(s.create_pool(this->pool(n)));
    EXPECT_EQ(this->names(this->run(s.list_pools(std::nullopt, 3))),
              (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(this->names(this->run(s.list_pools(std::string{"b"}, 10))),
              (std::vector<std::string>{"c", "d"}));
    EXPECT_TRUE(this->run(s.list_pools(std::string{"d"}, 10)).empty());
}

TYPED_TEST(control_contract, update_replaces_an_existing_pool_only) {
    auto& s = *this->store_;
    this->run(s.create_pool(this->pool("alpha", 1, "gold")));
    auto changed = this->pool("alpha", 9);
    changed.uri = "sqlite:///elsewhere.db";
    EXPECT_TRUE(this->run(s.update_pool(changed)));
    EXPECT_EQ(this->run(s.get_pool("alpha")), changed);
    EXPECT_FALSE(this->run(s.update_pool(this->pool("ghost"))));
    EXPECT_EQ(this->run(s.get_pool("ghost")), std::nullopt);
}

TYPED_TEST(control_contract, delete_pool_is_idempotent) {
    auto& s = *this->store_;
    this->run(s.create_pool(this->pool("alpha")));
    this->run(s.delete_pool("alpha"));
    this->run(s.delete_pool("alpha"));
    EXPECT_EQ(this->run(s.get_pool("alpha")), std::nullopt);
    EXPECT_TRUE(this->run(s.list_pools(std::nullopt, 10)).empty());
}

TYPED_TEST(control_contract, flavors_belong_to_their_project) {
    auto& s = *this->store_;
    EXPECT_TRUE(this->run(s.create_flavor(this->flavor("gold"))));
    EXPECT_FALSE(this->run(s.create_flavor(this->flavor("gold"))));
    EXPECT_TRUE(this->run(s.create_flavor(this->flavor("gold", "project-b"))));
    EXPECT_TRUE(this->run(s.flavor_exists(this->flavor("gold"))));
    EXPECT_FALSE(this->run(s.flavor_exists(this->flavor("silver"))));
    this->run(s.delete_flavor(this->flavor("gold")));
    EXPECT_FALSE(this->run(s.flavor_exists(this->flavor("gold"))));
    EXPECT_TRUE(this->run(s.flavor_exists(this->flavor("gold", "project-b"))));
}

TYPED_TEST(control_contract, list_flavors_pages_in_name_order_per_project) {
    auto& s = *this->store_;
    for (const char* n : {"silver", "bronze", "gold"}) this->run(s.create_flavor(this->flavor(n)));
    this->run(s.create_flavor(this->flavor("other", "project-b")));
    auto page = this->run(s.list_flavors(core::project_id{"project-a"}, std::nullopt, 2));
    ASSERT_EQ(page.size(), 2u);
    EXPECT_EQ(page[0].name, "bronze");
    EXPECT_EQ(page[1].name, "gold");
    auto rest = this->run(s.list_flavors(core::project_id{"project-a"}, std::string{"gold"}, 10));
    ASSERT_EQ(rest.size(), 1u);
    EXPECT_EQ(rest[0].name, "silver");
    EXPECT_EQ(rest[0].project.value(), "project-a");
}

TYPED_TEST(control_contract, the_first_registration_of_a_queue_wins) {
    auto& s = *this->store_;
    EXPECT_EQ(this->run(s.lookup(this->queue("jobs"))), std::nullopt);
    EXPECT_EQ(this->run(s.register_queue(this->queue("jobs"), "alpha")), "alpha");
    EXPECT_EQ(this->run(s.register_queue(this->queue("jobs"), "beta")), "alpha");
    EXPECT_EQ(this->run(s.lookup(this->queue("jobs"))), "alpha");
    // Same name, other project: another queue.
    EXPECT_EQ(this->run(s.register_queue(this->queue("jobs", "project-b"), "beta")), "beta");
}

TYPED_TEST(control_contract, the_default_pool_is_a_pool_name_like_any_other) {
    auto& s = *this->store_;
    EXPECT_EQ(this->run(s.register_queue(this->queue("q"), core::default_pool_name)),
              core::default_pool_name);
    EXPECT_EQ(this->run(s.lookup(this->queue("q"))), core::default_pool_name);
}

TYPED_TEST(control_contract, unregister_frees_the_name_and_counts_follow) {
    auto& s = *this->store_;
    this->run(s.register_queue(this->queue("a"), "alpha"));
    this->run(s.register_queue(this->queue("b"), "alpha"));
    this->run(s.register_queue(this->queue("c"), "beta"));
    EXPECT_EQ(this->run(s.count_pool_queues("alpha")), 2);
    EXPECT_EQ(this->run(s.count_pool_queues("beta")), 1);
    EXPECT_EQ(this->run(s.count_pool_queues("gamma")), 0);
    this->run(s.unregister_queue(this->queue("a")));
    this->run(s.unregister_queue(this->queue("a")));
    EXPECT_EQ(this->run(s.count_pool_queues("alpha")), 1);
    EXPECT_EQ(this->run(s.lookup(this->queue("a"))), std::nullopt);
    EXPECT_EQ(this->run(s.register_queue(this->queue("a"), "beta")), "beta");
}

TYPED_TEST(control_contract, ping_answers) { EXPECT_TRUE(this->run(this->store_->ping())); }

}  // namespace
}  // namespace marconi::conformance
