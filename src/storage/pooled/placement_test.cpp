// Marconi. Queue placement: weights are honoured, hashing is stable and moves little.
#include "storage/pooled/placement.hpp"

#include <gtest/gtest.h>

#include <map>

namespace marconi::storage::pooled {
namespace {

core::pool_record pool(std::string name, std::int64_t weight,
                       std::optional<std::string> flavor = std::nullopt) {
    return {std::move(name), "sqlite:///x.db", weight, std::move(flavor), "{}"};
}

core::queue_address queue(int i) {
    std::string name = "q";
    name += std::to_string(i);  // not "q" + ...: g++ 12 -O3 warns falsely on that (-Wrestrict)
    return {core::project_id{"p"}, core::queue_name{std::move(name)}};
}

TEST(placement, candidates_match_the_flavor_and_skip_zero_weight) {
    std::vector<core::pool_record> pools{pool("a", 1), pool("b", 0), pool("c", 1, "gold"),
                                         pool("d", 5, "gold")};
    auto plain = candidates(pools, std::nullopt);
    ASSERT_EQ(plain.size(), 1u);
    EXPECT_EQ(plain[0].name, "a");
    auto gold = candidates(pools, std::string{"gold"});
    ASSERT_EQ(gold.size(), 2u);
    EXPECT_TRUE(candidates(pools, std::string{"silver"}).empty());
}

TEST(placement, weighted_random_follows_the_weights) {
    std::vector<core::pool_record> pools{pool("light", 1), pool("heavy", 3)};
    std::mt19937_64 random{42};
    std::map<std::string, int> hits;
    for (int i = 0; i < 20000; ++i) ++hits[*pick_weighted_random(pools, random)];
    EXPECT_NEAR(hits["heavy"] / 20000.0, 0.75, 0.02);
    EXPECT_EQ(pick_weighted_random({}, random), std::nullopt);
}

TEST(placement, hashing_is_deterministic_and_follows_the_weights) {
    std::vector<core::pool_record> pools{pool("light", 1), pool("heavy", 3)};
    std::map<std::string, int> hits;
    for (int i = 0; i < 20000; ++i) {
        const auto first = *pick_by_hash(pools, queue(i));
        EXPECT_EQ(first, *pick_by_hash(pools, queue(i)));
        ++hits[first];
    }
    EXPECT_NEAR(hits["heavy"] / 20000.0, 0.75, 0.02);
    EXPECT_EQ(pick_by_hash({}, queue(1)), std::nullopt);
}

TEST(placement, adding_a_pool_moves_only_the_share_it_takes) {
    std::vector<core::pool_record> three{pool("a", 1), pool("b", 1), pool("c", 1)};
    auto four = three;
    four.push_back(pool("d", 1));
    int moved = 0;
    for (int i = 0; i < 20000; ++i) {
        const auto before = *pick_by_hash(three, queue(i));
        const auto after = *pick_by_hash(four, queue(i));
        if (before != after) {
            ++moved;
            EXPECT_EQ(after, "d") << "a queue moved between old pools";
        }
    }
    EXPECT_NEAR(moved / 20000.0, 0.25, 0.02);
}

}  // namespace
}  // namespace marconi::storage::pooled
