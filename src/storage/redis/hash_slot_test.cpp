// Marconi. Key slots must match Redis Cluster's own (values from CLUSTER KEYSLOT).
#include "storage/redis/hash_slot.hpp"

#include <gtest/gtest.h>

namespace marconi::storage::redis {
namespace {

TEST(hash_slot, matches_redis_for_plain_keys) {
    EXPECT_EQ(hash_slot("foo"), 12182);
    EXPECT_EQ(hash_slot("123456789"), 12739);  // CRC16/XMODEM check value 0x31C3
    EXPECT_EQ(hash_slot(""), 0);
}

TEST(hash_slot, uses_only_the_first_non_empty_hash_tag) {
    EXPECT_EQ(hash_slot("{user1000}.following"), hash_slot("user1000"));
    EXPECT_EQ(hash_slot("{user1000}.followers"), hash_slot("{user1000}.following"));
    EXPECT_EQ(hash_slot("foo{}{bar}"), hash_slot("foo{}{bar}"));
    EXPECT_NE(hash_slot("foo{}{bar}"), hash_slot("bar"));  // empty first tag: whole key
    EXPECT_EQ(hash_slot("foo{{bar}}zap"), hash_slot("{bar"));
    EXPECT_EQ(hash_slot("foo{bar}{zap}"), hash_slot("bar"));
}

}  // namespace
}  // namespace marconi::storage::redis
