// Marconi. Redis key names: one slot per queue, whatever the project id holds.
#include "storage/redis/keys.hpp"

#include "storage/redis/hash_slot.hpp"

#include <gtest/gtest.h>

#include <set>

namespace marconi::storage::redis {
namespace {

core::queue_address address(std::string project, std::string name) {
    return {core::project_id{std::move(project)}, core::queue_name{std::move(name)}};
}

const key_space keys_{"marconi"};

TEST(redis_keys, every_key_of_a_queue_shares_one_slot) {
    for (const char* project : {"acme", "}", "a}b{c", "", "%7D", "x/y"}) {
        const auto keys = keys_.queue_keys(address(project, "jobs"));
        std::set<int> slots;
        for (const auto& key : keys) slots.insert(hash_slot(key));
        EXPECT_EQ(slots.size(), 1u) << "project '" << project << "'";
        EXPECT_EQ(keys_.queue_record(address(project, "jobs")), keys[0]);
    }
}

TEST(redis_keys, projects_and_queues_never_collide) {
    EXPECT_NE(keys_.queue_keys(address("a}", "q"))[0], keys_.queue_keys(address("a%7D", "q"))[0]);
    EXPECT_NE(keys_.queue_keys(address("a/b", "q"))[0], keys_.queue_keys(address("a", "b"))[0]);
    EXPECT_NE(keys_.project_index(core::project_id{"a"}),
              keys_.project_index(core::project_id{"b"}));
    EXPECT_NE(key_space{"one"}.projects(), key_space{"two"}.projects());
}

TEST(redis_keys, ids_are_24_lowercase_hex_digits) {
    EXPECT_TRUE(is_valid_id("0000000000000001deadbeef"));
    EXPECT_FALSE(is_valid_id("0000000000000001DEADBEEF"));
    EXPECT_FALSE(is_valid_id("0000000000000001deadbee"));
    EXPECT_FALSE(is_valid_id("0000000000000001deadbeeg"));
    EXPECT_FALSE(is_valid_id(""));
}

}  // namespace
}  // namespace marconi::storage::redis
