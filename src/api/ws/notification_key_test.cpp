// Marconi. Tests of the notification endpoint's URL tags.
#include "api/ws/notification_key.hpp"

#include <gtest/gtest.h>

namespace marconi::api::ws {
namespace {

constexpr std::string_view socket_id = "0b6f2a5e-0d1c-4c8e-9a44-5f1e6f3d2a10";

TEST(notification_key, tags_are_hex_hmacs_of_the_socket_id) {
    // The well-known example: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
    EXPECT_EQ(notification_key{"key"}.tag_of("The quick brown fox jumps over the lazy dog"),
              "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
    const notification_key key{"k"};
    EXPECT_EQ(key.tag_of(socket_id), key.tag_of(socket_id));
    EXPECT_NE(key.tag_of(socket_id), key.tag_of("another-socket"));
}

TEST(notification_key, only_the_right_tag_verifies) {
    const auto key = notification_key::random();
    const auto tag = key.tag_of(socket_id);
    EXPECT_TRUE(key.verify(socket_id, tag));
    EXPECT_FALSE(key.verify("another-socket", tag));
    EXPECT_FALSE(key.verify(socket_id, ""));
    EXPECT_FALSE(key.verify(socket_id, tag.substr(1)));
    EXPECT_FALSE(key.verify(socket_id, tag + "0"));
    EXPECT_FALSE(key.verify(socket_id, std::string(64, '0')));
    auto flipped = tag;
    flipped.back() = flipped.back() == '0' ? '1' : '0';
    EXPECT_FALSE(key.verify(socket_id, flipped));
}

TEST(notification_key, every_process_draws_its_own_key) {
    const auto a = notification_key::random();
    const auto b = notification_key::random();
    EXPECT_NE(a.tag_of(socket_id), b.tag_of(socket_id));
    EXPECT_FALSE(b.verify(socket_id, a.tag_of(socket_id)));
}

}  // namespace
}  // namespace marconi::api::ws
