// Marconi.
#include "api/codec/bodies.hpp"

#include <gtest/gtest.h>

#include "storage/contract/error.hpp"

namespace marconi::api {
namespace {

core::error error_of(auto&& call) {
    try {
        call();
    } catch (const core::error& e) {
        return e;
    }
    ADD_FAILURE() << "no error thrown";
    return core::error(core::errc::internal, "");
}

TEST(parse_message_batch, keeps_bodies_as_json_text_in_order) {
    auto batch = parse_message_batch(
        R"({"messages":[{"body":{"a":[1,2]},"ttl":120},{"body":"x","delay":5,"extra":1}]})");
    ASSERT_EQ(batch.size(), 2u);
    EXPECT_EQ(batch[0].body_json, R"({"a":[1,2]})");
    EXPECT_EQ(batch[0].ttl, 120);
    EXPECT_FALSE(batch[0].delay);
    EXPECT_EQ(batch[1].body_json, R"("x")");
    EXPECT_EQ(batch[1].delay, 5);
    EXPECT_FALSE(batch[1].ttl);
}

TEST(parse_message_batch, rejects_malformed_documents_with_zaqar_wording) {
    EXPECT_EQ(error_of([] { parse_message_batch(""); }).description(),
              "Request body can not be empty");
    EXPECT_EQ(error_of([] { parse_message_batch("{"); }).description(),
              "Request body could not be parsed.");
    EXPECT_EQ(error_of([] { parse_message_batch("[]"); }).description(),
              "Document type not supported.");
    EXPECT_EQ(error_of([] { parse_message_batch(R"({"messages":{}})"); }).description(),
              "Document type not supported.");
    EXPECT_EQ(error_of([] { parse_message_batch(R"({"messages":[{"ttl":60}]})"); }).description(),
              "Missing \"body\" field.");
    EXPECT_EQ(error_of([] {
                  parse_message_batch(R"({"messages":[{"body":1,"ttl":"60"}]})");
              }).description(),
              "The value of the \"ttl\" field must be a int.");
    EXPECT_EQ(
        error_of([] { parse_message_batch(R"({"messages":[{"body":1,"ttl":true}]})"); }).code(),
        core::errc::invalid_body);
    EXPECT_EQ(error_of([] { parse_message_batch(R"({"other":[]})"); }).code(),
              core::errc::invalid_request);
}

TEST(parse_json, rejects_numbers_beyond_double_range) {
    EXPECT_EQ(
        error_of([] { parse_json(R"({"messages":[{"body":{"x":[1e400]}}]})"); }).description(),
        "Request body could not be parsed.");
    EXPECT_THROW(parse_json_object(R"({"x":-1e400})"), core::error);
    EXPECT_NO_THROW(parse_json(R"({"x":1.7e308})"));
}

TEST(parse_json, names_the_depth_limit_and_refuses_integers_beyond_64_bits) {
    const auto nested = [](std::size_t depth) {
        return std::string(depth, '[') + std::string(depth, ']');
    };
    EXPECT_NO_THROW(parse_json(nested(100)));
    const auto too_deep = error_of([&] { parse_json(nested(129)); });
    EXPECT_EQ(too_deep.code(), core::errc::invalid_body);
    EXPECT_EQ(too_deep.description(),
              "Request body could not be parsed: arrays and objects may nest at most 128 levels "
              "deep.");
    const auto too_large = error_of([] { parse_json(R"({"ttl":18446744073709551616})"); });
    EXPECT_EQ(too_large.code(), core::errc::invalid_body);
    EXPECT_EQ(too_large.description(), "JSON contains integer that is too large.");
    EXPECT_EQ(
        error_of([] { parse_claim_body(R"({"ttl":9223372036854775808})", false); }).description(),
        "JSON contains integer that is too large.");
}

TEST(parse_claim_body, allows_an_empty_body_only_when_optional) {
    auto empty = parse_claim_body("", true);
    EXPECT_FALSE(empty.ttl);
    EXPECT_FALSE(empty.grace);
    EXPECT_THROW(parse_claim_body("", false), core::error);
    auto full = parse_claim_body(R"({"ttl":100,"grace":70})", false);
    EXPECT_EQ(full.ttl, 100);
    EXPECT_EQ(full.grace, 70);
    EXPECT_THROW(parse_claim_body(R"({"ttl":1.5})", true), core::error);
}

TEST(parse_purge_body, defaults_to_every_resource_type) {
    EXPECT_EQ(parse_purge_body("").size(), 2u);
    EXPECT_EQ(parse_purge_body(R"({"resource_types":["messages"]})"),
              std::vector<std::string>{"messages"});
    EXPECT_THROW(parse_purge_body(R"({"resource_types":["queues"]})"), core::error);
    EXPECT_THROW(parse_purge_body(R"({})"), core::error);
}

}  // namespace
}  // namespace marconi::api
