// Marconi.
#include "api/codec/utf8.hpp"

#include <gtest/gtest.h>

namespace marconi::api {
namespace {

constexpr std::string_view fffd = "\xEF\xBF\xBD";

TEST(valid_utf8, keeps_well_formed_text) {
    for (std::string_view text : {"", "plain ascii", "caf\xC3\xA9", "\xE2\x82\xAC",
                                  "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF"}) {
        EXPECT_EQ(valid_utf8(text), text);
    }
}

TEST(valid_utf8, replaces_each_ill_formed_subpart) {
    EXPECT_EQ(valid_utf8("p\xC1"), std::string("p") + std::string(fffd));      // never valid
    EXPECT_EQ(valid_utf8("\x80x"), std::string(fffd) + "x");                   // stray tail
    EXPECT_EQ(valid_utf8("\xC0\xAF"), std::string(fffd) + std::string(fffd));  // overlong
    EXPECT_EQ(valid_utf8("\xED\xA0\x80"),
              std::string(fffd) + std::string(fffd) + std::string(fffd));  // surrogate
    EXPECT_EQ(valid_utf8("\xF4\x90\x80\x80"),                              // past U+10FFFF
              std::string(fffd) + std::string(fffd) + std::string(fffd) + std::string(fffd));
    EXPECT_EQ(valid_utf8("\xE2\x82"), std::string(fffd));  // truncated: one subpart
    EXPECT_EQ(valid_utf8("\xE2\x82x"), std::string(fffd) + "x");
}

}  // namespace
}  // namespace marconi::api
