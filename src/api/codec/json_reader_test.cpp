// Marconi. Reading a client's JSON: depth, integer range, finite numbers.
#include "api/codec/json_reader.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <string>

namespace marconi::api {
namespace {

namespace json = boost::json;

/// `depth` nested arrays around 1: "[[1]]" has depth 2.
std::string nested(std::size_t depth) {
    return std::string(depth, '[') + "1" + std::string(depth, ']');
}

json_problem problem_of(std::string_view text) { return read_client_json(text).problem; }

TEST(read_client_json, builds_the_same_value_as_boost_json) {
    const std::string text = R"({"a":[1,-2,3.5,1e2,"s\u00e9",true,false,null,{}],"b":{"c":[]}})";
    const auto reading = read_client_json(text);
    ASSERT_EQ(reading.problem, json_problem::none);
    EXPECT_EQ(reading.value, json::parse(text));
    EXPECT_TRUE(reading.value.at("a").at(0).is_int64());
    EXPECT_TRUE(reading.value.at("a").at(3).is_double());
}

TEST(read_client_json, nests_up_to_the_limit) {
    EXPECT_EQ(max_json_depth, 128u);
    EXPECT_EQ(problem_of(nested(100)), json_problem::none);
    EXPECT_EQ(problem_of(nested(max_json_depth)), json_problem::none);
    EXPECT_EQ(problem_of(nested(max_json_depth + 1)), json_problem::too_deep);
    EXPECT_EQ(read_client_json(nested(10), 9).problem, json_problem::too_deep);
}

TEST(read_client_json, refuses_integers_outside_int64) {
    EXPECT_EQ(problem_of("9223372036854775807"), json_problem::none);
    EXPECT_EQ(problem_of("-9223372036854775808"), json_problem::none);
    EXPECT_EQ(problem_of("9223372036854775808"), json_problem::integer_too_large);   // uint64
    EXPECT_EQ(problem_of("18446744073709551616"), json_problem::integer_too_large);  // double
    EXPECT_EQ(problem_of("-9223372036854775809"), json_problem::integer_too_large);
    EXPECT_EQ(problem_of(R"({"x":[1,123456789012345678901234567890]})"),
              json_problem::integer_too_large);
    // Decimal literals are doubles, as in Zaqar's json.loads.
    EXPECT_EQ(problem_of("123456789012345678901234567890.0"), json_problem::none);
    EXPECT_EQ(problem_of("1E30"), json_problem::none);
    EXPECT_EQ(problem_of("[1e2, 10000000000000000000000]"), json_problem::integer_too_large);
}

TEST(read_client_json, refuses_numbers_beyond_double_range_and_malformed_text) {
    EXPECT_EQ(problem_of("[1e400]"), json_problem::not_finite);
    EXPECT_EQ(problem_of("-1e400"), json_problem::not_finite);
    EXPECT_EQ(problem_of("1.7e308"), json_problem::none);
    EXPECT_EQ(problem_of("{"), json_problem::malformed);
    EXPECT_EQ(problem_of("{} {}"), json_problem::malformed);
    EXPECT_EQ(problem_of(""), json_problem::malformed);
    EXPECT_EQ(problem_of("[1,]"), json_problem::malformed);
    EXPECT_TRUE(read_client_json("{").value.is_null());
}

}  // namespace
}  // namespace marconi::api
