// Marconi.
#include "api/codec/query.hpp"

#include <gtest/gtest.h>

#include "storage/contract/error.hpp"

namespace marconi::api {
namespace {

TEST(query_params, decodes_percent_escapes_and_keeps_order) {
    query_params q{"a=1&name=x%20y&a=2&flag"};
    EXPECT_EQ(q.get("a"), "1");
    EXPECT_EQ(q.get("name"), "x y");
    EXPECT_EQ(q.get("flag"), "");
    EXPECT_FALSE(q.get("missing"));
    ASSERT_EQ(q.all().size(), 4u);
    EXPECT_EQ(q.all()[2].second, "2");
}

TEST(int_param, parses_integers_and_rejects_anything_else) {
    EXPECT_EQ(int_param(query_params{"limit=5"}, "limit"), 5);
    EXPECT_EQ(int_param(query_params{"limit=-3"}, "limit"), -3);
    EXPECT_FALSE(int_param(query_params{""}, "limit"));
    for (auto bad : {"limit=", "limit=5x", "limit=1.5", "limit=abc"}) {
        try {
            int_param(query_params{bad}, "limit");
            ADD_FAILURE() << bad << " was accepted";
        } catch (const core::error& e) {
            EXPECT_EQ(e.code(), core::errc::invalid_parameter);
            EXPECT_NE(e.description().find("\"limit\""), std::string_view::npos);
        }
    }
}

TEST(bool_param, accepts_falcon_spellings) {
    for (auto yes : {"true", "True", "t", "yes", "y", "1", "on"}) {
        EXPECT_EQ(bool_param(query_params{std::string("echo=") + yes}, "echo"), true) << yes;
    }
    for (auto no : {"false", "False", "f", "no", "n", "0", "off"}) {
        EXPECT_EQ(bool_param(query_params{std::string("echo=") + no}, "echo"), false) << no;
    }
    EXPECT_THROW(bool_param(query_params{"echo=maybe"}, "echo"), core::error);
}

TEST(list_param, splits_on_commas_dropping_empty_items) {
    auto ids = list_param(query_params{"ids=a,,b,c,"}, "ids");
    ASSERT_TRUE(ids);
    EXPECT_EQ(*ids, (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_FALSE(list_param(query_params{"pop=1"}, "ids"));
    EXPECT_EQ(*list_param(query_params{"ids=a&x=1&ids=b,c"}, "ids"),
              (std::vector<std::string>{"a", "b", "c"}));
}

}  // namespace
}  // namespace marconi::api
