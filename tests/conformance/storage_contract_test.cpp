// Marconi. Storage contract: queues, message listing and paging, expiry, GC, durability and
// concurrency. Runs against every driver in driver_types.
#include "contract_fixture.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>

#include <algorithm>
#include <future>
#include <set>

namespace marconi::conformance {
namespace {

using core::errc;

template <class Factory>
class storage_contract : public contract_test<Factory> {};
TYPED_TEST_SUITE(storage_contract, driver_types, driver_names);

// --- queues -------------------------------------------------------------------------------

TYPED_TEST(storage_contract, create_queue_reports_creation_once_and_keeps_metadata) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    EXPECT_TRUE(this->run(d.create_queue(q, R"({"a":1})")));
    EXPECT_FALSE(this->run(d.create_queue(q, R"({"a":2})")));
    auto record = this->run(d.get_queue(q));
    ASSERT_TRUE(record);
    EXPECT_EQ(record->name.value(), "jobs");
    EXPECT_EQ(record->metadata_json, R"({"a":1})");
}

TYPED_TEST(storage_contract, get_queue_of_missing_queue_is_empty) {
    EXPECT_FALSE(this->run(this->driver_->get_queue(this->queue("nope"))));
}

TYPED_TEST(storage_contract, set_queue_metadata_replaces_or_reports_missing_queue) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    this->run(d.create_queue(q, "{}"));
    this->run(d.set_queue_metadata(q, R"({"b":"x"})"));
    EXPECT_EQ(this->run(d.get_queue(q))->metadata_json, R"({"b":"x"})");
    EXPECT_EQ(error_of([&] { this->run(d.set_queue_metadata(this->queue("nope"), "{}")); }),
              errc::queue_not_found);
}

TYPED_TEST(storage_contract, post_creates_the_queue_lazily_with_empty_metadata) {
    auto q = this->queue("lazy");
    this->post(q, {"1"});
    auto record = this->run(this->driver_->get_queue(q));
    ASSERT_TRUE(record);
    EXPECT_EQ(record->metadata_json, "{}");
}

TYPED_TEST(storage_contract, delete_queue_removes_messages_and_is_idempotent) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    auto posted = this->post(q, {"1", "2"});
    ASSERT_TRUE(this->claim(q, 1));
    this->run(d.delete_queue(q));
    this->run(d.delete_queue(q));
    EXPECT_FALSE(this->run(d.get_queue(q)));
    this->run(d.create_queue(q, "{}"));
    EXPECT_TRUE(this->list(q).messages.empty());
    EXPECT_TRUE(this->run(d.get_messages(q, posted)).empty());
    EXPECT_EQ(this->run(d.get_queue_stats(q)).total, 0);
}

TYPED_TEST(storage_contract, purge_removes_messages_and_claims_but_keeps_the_queue) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    this->post(q, {"1", "2", "3"});
    auto c = this->claim(q, 1);
    ASSERT_TRUE(c);
    this->run(d.purge_messages(q));
    EXPECT_TRUE(this->run(d.get_queue(q)));
    EXPECT_EQ(this->run(d.get_queue_stats(q)).total, 0);
    EXPECT_EQ(error_of([&] { this->run(d.get_claim(q, c->id)); }), errc::claim_not_found);
}

TYPED_TEST(storage_contract, list_queues_pages_in_name_order) {
    auto& d = *this->driver_;
    for (auto name : {"delta", "alpha", "echo", "charlie", "bravo"}) {
        this->run(d.create_queue(this->queue(name), "{}"));
    }
    auto names = [](const std::vector<core::queue_record>& records) {
        std::vector<std::string> out;
        for (const auto& r : records) out.push_back(r.name.value());
        return out;
    };
    core::queue_list_options options;
    options.limit = 2;
    auto page = this->run(d.list_queues(core::project_id{"project-a"}, options));
    EXPECT_EQ(names(page), (std::vector<std::string>{"alpha", "bravo"}));
    options.marker = "bravo";
    page = this->run(d.list_queues(core::project_id{"project-a"}, options));
    EXPECT_EQ(names(page), (std::vector<std::string>{"charlie", "delta"}));
    options.marker = "delta";
    page = this->run(d.list_queues(core::project_id{"project-a"}, options));
    EXPECT_EQ(names(page), (std::vector<std::string>{"echo"}));
    options.marker = "echo";
    EXPECT_TRUE(this->run(d.list_queues(core::project_id{"project-a"}, options)).empty());
}

TYPED_TEST(storage_contract, list_queues_filters_by_name_substring) {
    auto& d = *this->driver_;
    for (auto name : {"orders-eu", "orders-us", "billing", "xorders"}) {
        this->run(d.create_queue(this->queue(name), "{}"));
    }
    core::queue_list_options options;
    options.limit = 10;
    options.name_contains = "orders";
    auto page = this->run(d.list_queues(core::project_id{"project-a"}, options));
    ASSERT_EQ(page.size(), 3u);
    EXPECT_EQ(page[0].name.value(), "orders-eu");
    EXPECT_EQ(page[2].name.value(), "xorders");
}

TYPED_TEST(storage_contract, list_queues_filters_by_metadata_equality) {
    auto& d = *this->driver_;
    this->run(d.create_queue(this->queue("q1"), R"({"team":"red","size":12,"on":true})"));
    this->run(d.create_queue(this->queue("q2"), R"({"team":"blue","size":12.0,"on":false})"));
    this->run(d.create_queue(this->queue("q3"), R"({"team":"red","size":"12","tags":[1,2]})"));
    auto match = [&](std::vector<std::pair<std::string, std::string>> filters) {
        core::queue_list_options options;
        options.limit = 10;
        options.metadata_equals = std::move(filters);
        std::vector<std::string> out;
        for (const auto& r : this->run(d.list_queues(core::project_id{"project-a"}, options))) {
            out.push_back(r.name.value());
        }
        return out;
    };
    using names = std::vector<std::string>;
    EXPECT_EQ(match({{"team", R"("red")"}}), (names{"q1", "q3"}));
    EXPECT_EQ(match({{"size", "12"}}), (names{"q1", "q2"}));
    EXPECT_EQ(match({{"size", R"("12")"}}), (names{"q3"}));
    EXPECT_EQ(match({{"on", "true"}}), (names{"q1"}));
    EXPECT_EQ(match({{"tags", "[1, 2]"}}), (names{"q3"}));
    EXPECT_EQ(match({{"team", R"("red")"}, {"size", "12"}}), (names{"q1"}));
    EXPECT_EQ(match({{"missing", "1"}}), names{});
}

TYPED_TEST(storage_contract, count_queues_counts_the_projects_queues) {
    auto& d = *this->driver_;
    EXPECT_EQ(this->run(d.count_queues(core::project_id{"project-a"})), 0);
    this->run(d.create_queue(this->queue("a"), "{}"));
    this->run(d.create_queue(this->queue("b"), "{}"));
    this->run(d.create_queue(this->queue("c", "project-b"), "{}"));
    EXPECT_EQ(this->run(d.count_queues(core::project_id{"project-a"})), 2);
}

TYPED_TEST(storage_contract, stats_count_free_claimed_total_and_oldest_newest) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    auto first = this->post(q, {"1", "2"});
    this->advance(1s);
    auto delayed = this->post(q, {"3"}, 3600, 60);
    auto c = this->claim(q, 1);
    ASSERT_TRUE(c);
    auto stats = this->run(d.get_queue_stats(q));
    EXPECT_EQ(stats.claimed, 1);
    EXPECT_EQ(stats.free, 2);  // the delayed message counts as free
    EXPECT_EQ(stats.total, 3);
    ASSERT_TRUE(stats.oldest && stats.newest);
    EXPECT_EQ(stats.oldest->id, first[0]);
    EXPECT_EQ(stats.newest->id, delayed[0]);
    EXPECT_EQ(stats.newest->created - stats.oldest->created, 1s);
}

TYPED_TEST(storage_contract, stats_of_missing_or_empty_queue_are_zero) {
    auto& d = *this->driver_;
    auto stats = this->run(d.get_queue_stats(this->queue("nope")));
    EXPECT_EQ(stats.total, 0);
    EXPECT_EQ(stats.free, 0);
    EXPECT_EQ(stats.claimed, 0);
    EXPECT_FALSE(stats.oldest);
    EXPECT_FALSE(stats.newest);
    this->run(d.create_queue(this->queue("empty"), "{}"));
    EXPECT_FALSE(this->run(d.get_queue_stats(this->queue("empty"))).oldest);
}

// --- posting and reading ------------------------------------------------------------------

TYPED_TEST(storage_contract, posted_message_reads_back_verbatim) {
    auto q = this->queue("jobs");
    const auto posted_at = this->clock_.now();
    auto id = this->post(q, {R"({"event": "x", "n": [1, 2.50]})"}, 120)[0];
    auto got = this->run(this->driver_->get_messages(q, {id}));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].id, id);
    EXPECT_EQ(got[0].body_json, R"({"event": "x", "n": [1, 2.50]})");
    EXPECT_EQ(got[0].created, posted_at);
    EXPECT_EQ(got[0].ttl(), 120);
    EXPECT_EQ(got[0].claim_count, 0);
    EXPECT_FALSE(got[0].claim);
}

TYPED_TEST(storage_contract, post_returns_distinct_ids_in_batch_order) {
    auto ids = this->post(this->queue("jobs"), {"1", "2", "3"});
    ASSERT_EQ(ids.size(), 3u);
    EXPECT_EQ(std::set<core::message_id>(ids.begin(), ids.end()).size(), 3u);
    auto listed = this->list(this->queue("jobs"));
    EXPECT_EQ(this->ids(listed.messages), ids);
}

TYPED_TEST(storage_contract, messages_list_fifo_across_batches) {
    auto q = this->queue("jobs");
    this->post(q, {"1", "2"});
    this->post(this->queue("other"), {"x"});
    this->post(q, {"3"});
    this->post(q, {"4", "5", "6"});
    core::message_list_options options;
    options.limit = 20;
    EXPECT_EQ(this->bodies(this->list(q, options).messages),
              (std::vector<std::string>{"1", "2", "3", "4", "5", "6"}));
}

TYPED_TEST(storage_contract, paging_with_markers_has_no_gaps_or_duplicates) {
    auto q = this->queue("feed");
    std::vector<std::string> posted;
    for (int i = 0; i < 23; ++i) posted.push_back(std::to_string(i));
    this->post(q, {posted.begin(), posted.begin() + 10});
    this->post(q, {posted.begin() + 10, posted.end()});

    std::vector<std::string> seen;
    core::message_list_options options;
    options.limit = 7;
    for (int pages = 0; pages < 10; ++pages) {
        auto page = this->list(q, options);
        if (page.messages.empty()) {
            EXPECT_FALSE(page.next_marker);
            break;
        }
        ASSERT_TRUE(page.next_marker);
        EXPECT_LE(page.messages.size(), 7u);
        for (auto& b : this->bodies(page.messages)) seen.push_back(b);
        options.marker = page.next_marker;
    }
    EXPECT_EQ(seen, posted);
}

TYPED_TEST(storage_contract, marker_stays_valid_after_its_message_is_deleted) {
    auto& d = *this->driver_;
    auto q = this->queue("feed");
    auto ids = this->post(q, {"1", "2", "3", "4"});
    core::message_list_options options;
    options.limit = 2;
    auto page = this->list(q, options);
    ASSERT_EQ(this->bodies(page.messages), (std::vector<std::string>{"1", "2"}));
    this->run(d.delete_messages(q, {ids[1], ids[2]}, std::nullopt));
    options.marker = page.next_marker;
    EXPECT_EQ(this->bodies(this->list(q, options).messages), (std::vector<std::string>{"4"}));
    this->post(q, {"5"});
    EXPECT_EQ(this->bodies(this->list(q, options).messages), (std::vector<std::string>{"4", "5"}));
}

TYPED_TEST(storage_contract, list_of_missing_queue_is_an_empty_page) {
    auto page = this->list(this->queue("nope"));
    EXPECT_TRUE(page.messages.empty());
    EXPECT_FALSE(page.next_marker);
}

TYPED_TEST(storage_contract, malformed_marker_is_an_invalid_request) {
    auto q = this->queue("feed");
    this->post(q, {"1"});
    core::message_list_options options;
    options.marker = "not-a-marker";
    EXPECT_EQ(error_of([&] { this->list(q, options); }), errc::invalid_request);
}

TYPED_TEST(storage_contract, echo_false_hides_the_clients_own_messages) {
    auto& d = *this->driver_;
    auto q = this->queue("chat");
    this->post(q, {"mine"}, 3600, 0, "client-1");
    this->post(q, {"theirs"}, 3600, 0, "client-2");
    core::message_list_options options;
    options.client = core::client_id{"client-1"};
    options.echo = false;
    EXPECT_EQ(this->bodies(this->run(d.list_messages(q, options)).messages),
              (std::vector<std::string>{"theirs"}));
    options.echo = true;
    EXPECT_EQ(this->bodies(this->run(d.list_messages(q, options)).messages),
              (std::vector<std::string>{"mine", "theirs"}));
}

TYPED_TEST(storage_contract, list_hides_claimed_unless_include_claimed) {
    auto q = this->queue("jobs");
    this->post(q, {"1", "2", "3"});
    auto c = this->claim(q, 2);
    ASSERT_TRUE(c);
    EXPECT_EQ(this->bodies(this->list(q).messages), (std::vector<std::string>{"3"}));
    core::message_list_options options;
    options.include_claimed = true;
    auto all = this->list(q, options).messages;
    ASSERT_EQ(this->bodies(all), (std::vector<std::string>{"1", "2", "3"}));
    EXPECT_EQ(all[0].claim, c->id);
    EXPECT_EQ(all[1].claim, c->id);
    EXPECT_FALSE(all[2].claim);
}

TYPED_TEST(storage_contract, claim_shown_on_a_message_only_while_live) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    auto id = this->post(q, {"1"})[0];
    ASSERT_TRUE(this->claim(q, 1, 60));
    EXPECT_TRUE(this->run(d.get_messages(q, {id}))[0].claim);
    this->advance(61s);
    EXPECT_FALSE(this->run(d.get_messages(q, {id}))[0].claim);
    EXPECT_EQ(this->bodies(this->list(q).messages), (std::vector<std::string>{"1"}));
}

TYPED_TEST(storage_contract, delayed_messages_hidden_until_visible) {
    auto q = this->queue("delayed");
    this->post(q, {"late"}, 3600, 30);
    this->post(q, {"now"});
    EXPECT_EQ(this->bodies(this->list(q).messages), (std::vector<std::string>{"now"}));
    core::message_list_options options;
    options.include_delayed = true;
    EXPECT_EQ(this->bodies(this->list(q, options).messages),
              (std::vector<std::string>{"late", "now"}));
    auto c = this->claim(q, 10);
    ASSERT_TRUE(c);
    EXPECT_EQ(this->bodies(c->messages), (std::vector<std::string>{"now"}));
    EXPECT_TRUE(this->run(this->driver_->pop_messages(q, 10)).empty());

    this->advance(30s);
    EXPECT_EQ(this->bodies(this->list(q).messages), (std::vector<std::string>{"late"}));
}

TYPED_TEST(storage_contract, expired_messages_are_never_returned) {
    auto& d = *this->driver_;
    auto q = this->queue("short");
    auto short_lived = this->post(q, {"short"}, 60);
    this->post(q, {"long"}, 120);
    this->advance(60s);
    EXPECT_EQ(this->bodies(this->list(q).messages), (std::vector<std::string>{"long"}));
    EXPECT_TRUE(this->run(d.get_messages(q, short_lived)).empty());
    EXPECT_EQ(this->run(d.get_queue_stats(q)).total, 1);
    auto c = this->claim(q, 10);
    ASSERT_TRUE(c);
    EXPECT_EQ(this->bodies(c->messages), (std::vector<std::string>{"long"}));
    // Deleting an expired message is deleting a missing one: success.
    this->run(d.delete_message(q, short_lived[0], std::nullopt));
}

TYPED_TEST(storage_contract, get_messages_keeps_the_given_order_and_skips_unknown_ids) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    auto ids = this->post(q, {"1", "2", "3"});
    auto got = this->run(
        d.get_messages(q, {ids[2], core::message_id{"garbage"}, ids[0],
                           core::message_id{"ffffffffffffffffffffffff"}, core::message_id{""}}));
    EXPECT_EQ(this->bodies(got), (std::vector<std::string>{"3", "1"}));
}

TYPED_TEST(storage_contract, delete_messages_without_claims_deletes_listed_ones) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    auto ids = this->post(q, {"1", "2", "3", "4"});
    ASSERT_TRUE(this->claim(q, 1));  // holds "1": bulk delete without claims ignores claims
    this->run(d.delete_messages(q, {ids[0], ids[2], core::message_id{"nope"}}, std::nullopt));
    core::message_list_options options;
    options.include_claimed = true;
    EXPECT_EQ(this->bodies(this->list(q, options).messages), (std::vector<std::string>{"2", "4"}));
}

TYPED_TEST(storage_contract, delete_messages_with_claims_needs_every_message_held) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    auto ids = this->post(q, {"1", "2", "3", "4"});
    auto c1 = this->claim(q, 1);
    auto c2 = this->claim(q, 1);
    ASSERT_TRUE(c1 && c2);
    const std::vector<core::claim_id> claims{c1->id, c2->id};

    // "3" is not claimed: the whole call fails and nothing goes.
    EXPECT_EQ(error_of([&] {
                  this->run(d.delete_messages(q, {ids[0], ids[2]}, claims));
              }),
              errc::claim_invalid);
    // "2" is held by c2, which is not listed.
    EXPECT_EQ(
        error_of([&] {
            this->run(d.delete_messages(q, {ids[0], ids[1]}, std::vector<core::claim_id>{c1->id}));
        }),
        errc::claim_invalid);
    EXPECT_EQ(this->run(d.get_queue_stats(q)).total, 4);

    this->run(d.delete_messages(q, {ids[0], ids[1], core::message_id{"unknown"}}, claims));
    EXPECT_EQ(this->run(d.get_queue_stats(q)).total, 2);
}

TYPED_TEST(storage_contract, pop_removes_and_returns_oldest_unclaimed) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    this->post(q, {"1", "2", "3", "4", "5"});
    ASSERT_TRUE(this->claim(q, 2));  // holds "1" and "2"
    auto popped = this->run(d.pop_messages(q, 2));
    EXPECT_EQ(this->bodies(popped), (std::vector<std::string>{"3", "4"}));
    for (const auto& m : popped) EXPECT_FALSE(m.claim);
    EXPECT_TRUE(this->run(d.get_messages(q, this->ids(popped))).empty());
    EXPECT_EQ(this->bodies(this->run(d.pop_messages(q, 10))), (std::vector<std::string>{"5"}));
    EXPECT_TRUE(this->run(d.pop_messages(q, 10)).empty());
    EXPECT_TRUE(this->run(d.pop_messages(this->queue("nope"), 10)).empty());
    EXPECT_EQ(this->run(d.get_queue_stats(q)).claimed, 2);
}

// --- maintenance --------------------------------------------------------------------------

TYPED_TEST(storage_contract, collect_garbage_removes_expired_messages_and_claims) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    this->post(q, {"a", "b"}, 60);
    this->post(q, {"c", "d"}, 3600);
    auto c = this->claim(q, 1, 60, 60);  // takes "a"; its life stretches to 120 s
    ASSERT_TRUE(c);
    this->advance(61s);  // "b" expired, the claim expired; "a" lives on until 120 s
    EXPECT_EQ(this->run(d.collect_garbage()), 2);
    EXPECT_EQ(this->run(d.collect_garbage()), 0);
    EXPECT_EQ(this->run(d.get_queue_stats(q)).total, 3);
    auto again = this->claim(q, 10);
    ASSERT_TRUE(again);
    EXPECT_EQ(this->bodies(again->messages), (std::vector<std::string>{"a", "c", "d"}));
}

TYPED_TEST(storage_contract, ping_answers) { EXPECT_TRUE(this->run(this->driver_->ping())); }

// --- concurrency --------------------------------------------------------------------------

net::awaitable<std::vector<core::message_id>> post_batch(storage::data_driver& d,
                                                         core::queue_address q, int producer) {
    std::vector<core::new_message> batch;
    for (int i = 0; i < 3; ++i) {
        batch.push_back({std::to_string(producer) + "." + std::to_string(i), 3600, 0});
    }
    co_return co_await d.post_messages(std::move(q), core::client_id{"c"}, std::move(batch));
}

TYPED_TEST(storage_contract, concurrent_posts_get_distinct_ids_in_one_consistent_order) {
    constexpr int producers = 64;
    auto q = this->queue("busy");
    net::thread_pool pool{4};
    std::vector<std::future<std::vector<core::message_id>>> results;
    for (int p = 0; p < producers; ++p) {
        results.push_back(net::co_spawn(pool, post_batch(*this->driver_, q, p), net::use_future));
    }
    std::set<core::message_id> all_ids;
    for (auto& r : results) {
        auto ids = r.get();
        ASSERT_EQ(ids.size(), 3u);
        all_ids.insert(ids.begin(), ids.end());
    }
    pool.join();
    EXPECT_EQ(all_ids.size(), static_cast<std::size_t>(producers * 3));

    // Every batch is contiguous and in batch order in the one queue order.
    std::vector<std::string> order;
    core::message_list_options options;
    options.limit = 50;
    for (;;) {
        auto page = this->list(q, options);
        if (page.messages.empty()) break;
        for (auto& b : this->bodies(page.messages)) order.push_back(b);
        options.marker = page.next_marker;
    }
    ASSERT_EQ(order.size(), static_cast<std::size_t>(producers * 3));
    for (std::size_t i = 0; i < order.size(); i += 3) {
        const auto producer = order[i].substr(0, order[i].find('.'));
        EXPECT_EQ(order[i], producer + ".0");
        EXPECT_EQ(order[i + 1], producer + ".1");
        EXPECT_EQ(order[i + 2], producer + ".2");
    }
}

TYPED_TEST(storage_contract, concurrent_claims_never_share_a_message) {
    auto q = this->queue("work");
    this->post(q, std::vector<std::string>(100, "x"));
    const auto claimed = claim_concurrently({this->driver_.get()}, q);
    EXPECT_EQ(claimed.total, 100u);
    EXPECT_EQ(claimed.distinct, 100u);
}

}  // namespace
}  // namespace marconi::conformance
