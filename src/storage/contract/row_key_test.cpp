// Marconi. Tests of the SQL stores' id and marker encodings.
#include "storage/contract/row_key.hpp"

#include <gtest/gtest.h>

namespace marconi::storage {
namespace {

TEST(row_key, key_round_trips_as_24_lowercase_hex_digits) {
    const row_key key{0x1234abcd, 0xdeadbeef};
    const auto text = encode_key(key);
    EXPECT_EQ(text, "000000001234abcddeadbeef");
    auto back = decode_key(text);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->id, key.id);
    EXPECT_EQ(back->tag, key.tag);
}

TEST(row_key, anything_but_the_canonical_form_is_no_key) {
    for (auto bad : {"", "1", "000000001234abcddeadbee", "000000001234abcddeadbeef0",
                     "000000001234ABCDdeadbeef", "000000001234abcddeadbeeg",
                     "0000000000000000deadbeef",  // row ids start at 1
                     "8000000000000000deadbeef",  // beyond int64
                     " 00000001234abcddeadbeef"}) {
        EXPECT_FALSE(decode_key(bad)) << bad;
    }
}

TEST(row_key, marker_is_a_non_negative_decimal) {
    EXPECT_EQ(encode_marker(42), "42");
    EXPECT_EQ(decode_marker("42"), 42);
    EXPECT_EQ(decode_marker("0"), 0);
    for (auto bad : {"", "-1", "4x", "x", " 4", "99999999999999999999"}) {
        EXPECT_FALSE(decode_marker(bad)) << bad;
    }
}

}  // namespace
}  // namespace marconi::storage
