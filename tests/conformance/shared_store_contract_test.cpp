// Marconi. Contract: several servers on one store (heads of one deployment) act as one. Runs on
// the drivers whose store more than one driver object can share at once.
#include "contract_fixture.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>

#include <future>
#include <set>

namespace marconi::conformance {
namespace {

using shared_driver_types =
    ::testing::Types<redis_standalone_factory, redis_cluster_factory, postgres_factory>;

template <class Factory>
class shared_store_contract : public contract_test<Factory> {
protected:
    /// A second head on the same store.
    std::unique_ptr<storage::data_driver> other_ = this->factory_.open(this->clock_);
};
TYPED_TEST_SUITE(shared_store_contract, shared_driver_types, driver_names);

net::awaitable<void> post_one(storage::data_driver& d, core::queue_address q, std::string body) {
    std::vector<core::new_message> batch;
    batch.push_back({std::move(body), 3600, 0});
    co_await d.post_messages(std::move(q), core::client_id{"client-1"}, std::move(batch));
}

TYPED_TEST(shared_store_contract, claims_through_two_heads_never_share_a_message) {
    auto q = this->queue("work");
    this->post(q, std::vector<std::string>(100, "x"));
    const auto claimed = claim_concurrently({this->driver_.get(), this->other_.get()}, q);
    EXPECT_EQ(claimed.total, 100u);
    EXPECT_EQ(claimed.distinct, 100u);
}

TYPED_TEST(shared_store_contract, posts_through_two_heads_are_listed_once_in_one_order) {
    auto q = this->queue("feed");
    net::thread_pool pool{4};
    std::vector<std::future<void>> posts;
    for (int i = 0; i < 60; ++i) {
        auto& head = i % 2 == 0 ? *this->driver_ : *this->other_;
        posts.push_back(net::co_spawn(pool, post_one(head, q, "\"" + std::to_string(i) + "\""),
                                      net::use_future));
    }
    for (auto& p : posts) p.get();
    pool.join();

    // Page by page from markers, through either head: every message once, the same order.
    auto read_all = [&](storage::data_driver& head) {
        std::vector<core::message_id> seen;
        core::message_list_options options;
        options.echo = true;
        options.limit = 7;
        for (;;) {
            auto page = this->run(head.list_messages(q, options));
            if (page.messages.empty()) break;
            for (const auto& m : page.messages) seen.push_back(m.id);
            options.marker = page.next_marker;
        }
        return seen;
    };
    const auto first = read_all(*this->driver_);
    EXPECT_EQ(first.size(), 60u);
    EXPECT_EQ(std::set<core::message_id>(first.begin(), first.end()).size(), 60u);
    EXPECT_EQ(read_all(*this->other_), first);
}

}  // namespace
}  // namespace marconi::conformance
