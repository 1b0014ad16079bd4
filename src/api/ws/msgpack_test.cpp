// Marconi. The MessagePack codec against bytes Python's msgpack.packb produces.
#include "api/ws/msgpack.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace marconi::api::ws {
namespace {

namespace json = boost::json;

std::string bytes(std::initializer_list<int> b) {
    std::string out;
    for (int c : b) out.push_back(static_cast<char>(c));
    return out;
}

TEST(msgpack, encodes_as_python_packb) {
    // msgpack.packb({"a": [1, -1, 300, -200, 1.5, None, True, "x"]})
    const auto value = json::parse(R"({"a":[1,-1,300,-200,1.5,null,true,"x"]})");
    EXPECT_EQ(json_to_msgpack(value),
              bytes({0x81, 0xa1, 'a', 0x98, 0x01, 0xff, 0xcd, 0x01, 0x2c, 0xd1, 0xff, 0x38, 0xcb,
                     0x3f, 0xf8, 0,   0,    0,    0,    0,    0,    0xc0, 0xc3, 0xa1, 'x'}));
}

TEST(msgpack, picks_the_smallest_integer_and_length_forms) {
    EXPECT_EQ(json_to_msgpack(json::value(127)), bytes({0x7f}));
    EXPECT_EQ(json_to_msgpack(json::value(128)), bytes({0xcc, 0x80}));
    EXPECT_EQ(json_to_msgpack(json::value(-32)), bytes({0xe0}));
    EXPECT_EQ(json_to_msgpack(json::value(-33)), bytes({0xd0, 0xdf}));
    EXPECT_EQ(json_to_msgpack(json::value(70000)), bytes({0xce, 0, 1, 0x11, 0x70}));
    EXPECT_EQ(json_to_msgpack(json::value(std::int64_t{-5000000000})),
              bytes({0xd3, 0xff, 0xff, 0xff, 0xfe, 0xd5, 0xfa, 0x0e, 0x00}));
    EXPECT_EQ(json_to_msgpack(json::value(std::uint64_t{1} << 63)),
              bytes({0xcf, 0x80, 0, 0, 0, 0, 0, 0, 0}));
    EXPECT_EQ(json_to_msgpack(json::value(std::string(40, 'a'))).substr(0, 2), bytes({0xd9, 40}));
    EXPECT_EQ(json_to_msgpack(json::value(json::array(16))).substr(0, 3), bytes({0xdc, 0, 16}));
}

TEST(msgpack, round_trips_a_zaqar_frame) {
    const auto frame = json::parse(R"({"action":"message_post","headers":{"Client-ID":"c",
        "X-Project-ID":"p"},"body":{"queue_name":"q","messages":[{"ttl":300,"body":{"n":-7,
        "f":0.25,"s":"\u00e9t\u00e9","l":[],"o":{}}}]}})");
    EXPECT_EQ(msgpack_to_json(json_to_msgpack(frame)), frame);
}

TEST(msgpack, decodes_every_python_form) {
    // float32, str8, bin8 (old msgpack strings), uint16/32, int16/32, array16, map16
    EXPECT_EQ(msgpack_to_json(bytes({0xca, 0x3f, 0xc0, 0, 0})), json::value(1.5));
    EXPECT_EQ(msgpack_to_json(bytes({0xd9, 2, 'h', 'i'})), json::value("hi"));
    EXPECT_EQ(msgpack_to_json(bytes({0xc4, 2, 'h', 'i'})), json::value("hi"));
    EXPECT_EQ(msgpack_to_json(bytes({0xcd, 1, 0})), json::value(256));
    EXPECT_EQ(msgpack_to_json(bytes({0xd1, 0xff, 0})), json::value(-256));
    EXPECT_EQ(msgpack_to_json(bytes({0xd2, 0xff, 0xff, 0xff, 0xff})), json::value(-1));
    EXPECT_EQ(msgpack_to_json(bytes({0xdc, 0, 1, 0xc2})), json::parse("[false]"));
    EXPECT_EQ(msgpack_to_json(bytes({0xde, 0, 1, 0xa1, 'k', 0x05})), json::parse(R"({"k":5})"));
}

TEST(msgpack, refuses_what_json_cannot_hold_or_is_malformed) {
    EXPECT_THROW(msgpack_to_json(bytes({0x81, 0x01, 0x02})), msgpack_error);  // int key
    EXPECT_THROW(msgpack_to_json(bytes({0xd4, 0x01, 0x02})), msgpack_error);  // ext
    EXPECT_THROW(msgpack_to_json(bytes({0xc1})), msgpack_error);              // reserved
    EXPECT_THROW(msgpack_to_json(bytes({0xa3, 'a'})), msgpack_error);         // truncated
    EXPECT_THROW(msgpack_to_json(bytes({0xdd, 0xff, 0xff, 0xff, 0xff})), msgpack_error);
    EXPECT_THROW(msgpack_to_json(bytes({0x01, 0x02})), msgpack_error);        // extra data
    EXPECT_THROW(msgpack_to_json(bytes({0xa2, 0xc3, 0x28})), msgpack_error);  // not UTF-8
    EXPECT_THROW(msgpack_to_json(""), msgpack_error);
    EXPECT_THROW(msgpack_to_json(std::string(100, static_cast<char>(0x91))), msgpack_error);
}

}  // namespace
}  // namespace marconi::api::ws
