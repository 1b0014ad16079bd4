// Marconi. Pins the status and title of every domain error code.
#include "api/codec/error_mapping.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <stdexcept>

#include "core/validation.hpp"

namespace marconi::api {
namespace {

using core::errc;

struct mapping_case {
    errc code;
    unsigned status;
    std::string_view title;
};

struct transport_case {
    transport_errc code;
    unsigned status;
    std::string_view title;
};

class error_mapping_test : public testing::TestWithParam<mapping_case> {};
class transport_mapping_test : public testing::TestWithParam<transport_case> {};

TEST_P(error_mapping_test, maps_code_to_status_and_title) {
    const auto& c = GetParam();
    const auto mapped = to_http(c.code);
    EXPECT_EQ(mapped.status, c.status);
    EXPECT_EQ(mapped.title, c.title);
}

TEST_P(transport_mapping_test, maps_code_to_status_and_title) {
    const auto& c = GetParam();
    const auto mapped = to_http(c.code);
    EXPECT_EQ(mapped.status, c.status);
    EXPECT_EQ(mapped.title, c.title);
}

// Fails when a code is added without a row in to_http's table: tries every enumerator.
TEST(error_mapping, every_code_has_a_row) {
    for (int i = 0; i < static_cast<int>(errc::count); ++i) {
        EXPECT_TRUE(find_http(static_cast<errc>(i)).has_value())
            << "core::errc " << i << " has no row";
    }
    for (int i = 0; i < static_cast<int>(transport_errc::count); ++i) {
        EXPECT_TRUE(find_http(static_cast<transport_errc>(i)).has_value())
            << "api::transport_errc " << i << " has no row";
    }
}

// One row per enumerator, pinning each status and title.
INSTANTIATE_TEST_SUITE_P(
    every_errc, error_mapping_test,
    testing::Values(mapping_case{errc::invalid_request, 400, "Invalid API request"},
                    mapping_case{errc::invalid_body, 400, "Invalid request body"},
                    mapping_case{errc::invalid_parameter, 400, "Invalid parameter"},
                    mapping_case{errc::missing_header, 400, "Missing header value"},
                    mapping_case{errc::queue_not_found, 404, "Not found"},
                    mapping_case{errc::message_not_found, 404, "Not found"},
                    mapping_case{errc::claim_not_found, 404, "Not found"},
                    mapping_case{errc::pool_not_found, 404, "Not found"},
                    mapping_case{errc::subscription_not_found, 404, "Not found"},
                    mapping_case{errc::topic_not_found, 404, "Not found"},
                    mapping_case{errc::flavor_not_found, 404, "Not found"},
                    mapping_case{errc::claim_invalid, 400, "Unable to delete"},
                    mapping_case{errc::message_not_claimed, 400, "Unable to delete"},
                    mapping_case{errc::message_claimed, 403, "Unable to delete"},
                    mapping_case{errc::conflict, 409, "Resource conflict"},
                    mapping_case{errc::forbidden, 403, "Not authorized"},
                    mapping_case{errc::quota_exceeded, 429, "Quota exceeded"},
                    mapping_case{errc::rate_limited, 429, "Rate limit exceeded"},
                    mapping_case{errc::unavailable, 503, "Service temporarily unavailable"},
                    mapping_case{errc::internal, 500, "Internal server error"}));

INSTANTIATE_TEST_SUITE_P(
    every_transport_errc, transport_mapping_test,
    testing::Values(
        transport_case{transport_errc::not_acceptable, 406, "Media type not acceptable"},
        transport_case{transport_errc::unsupported_media, 415, "Unsupported media type"},
        transport_case{transport_errc::headers_too_large, 431, "Request header fields too large"},
        transport_case{transport_errc::unauthenticated, 401, "Unauthorized"},
        transport_case{transport_errc::route_not_found, 404, "Not found"},
        transport_case{transport_errc::method_not_allowed, 405, "Method not allowed"}));

TEST(error_response, renders_a_transport_error_like_a_domain_error) {
    const auto reply =
        error_response(transport_error(transport_errc::method_not_allowed, "Method not allowed."));
    EXPECT_EQ(reply.status, 405u);
    const auto body = boost::json::parse(reply.body);
    EXPECT_EQ(body.at("title"), "Method not allowed");
    EXPECT_EQ(body.at("description"), "Method not allowed.");
}

TEST(error_response, renders_zaqar_error_body) {
    const auto reply = error_response(core::error(errc::conflict, "Key is missing."));
    EXPECT_EQ(reply.status, 409u);
    EXPECT_EQ(reply.content_type, "application/json");
    const auto body = boost::json::parse(reply.body);
    EXPECT_EQ(body.at("title"), "Resource conflict");
    EXPECT_EQ(body.at("description"), "Key is missing.");
}

TEST(error_response, body_stays_valid_json_when_the_description_echoes_bad_bytes) {
    const auto reply = error_response(core::error(errc::message_not_found, "No message p\xC1."));
    boost::system::error_code ec;
    const auto body = boost::json::parse(reply.body, ec);
    ASSERT_FALSE(ec) << reply.body;
    EXPECT_EQ(body.at("description"), "No message p\xEF\xBF\xBD.");
}

TEST(error_response, keeps_a_titled_errors_own_title) {
    const auto reply = error_response(core::titled_error(errc::missing_header, "Wrong UUID value",
                                                         "Malformed hexadecimal UUID."));
    EXPECT_EQ(reply.status, 400u);
    EXPECT_EQ(boost::json::parse(reply.body).at("title"), "Wrong UUID value");
}

TEST(error_response, a_throttled_error_says_when_to_retry) {
    const auto reply = error_response(
        core::throttled_error(errc::rate_limited, "Project p may post 1 times a second.", 3));
    EXPECT_EQ(reply.status, 429u);
    ASSERT_EQ(reply.headers.size(), 1u);
    EXPECT_EQ(reply.headers[0], (std::pair<std::string, std::string>{"Retry-After", "3"}));
    EXPECT_EQ(boost::json::parse(reply.body).at("title"), "Rate limit exceeded");
}

/// What current_error_answer() gives for `thrown`, caught the way the router catches.
template <class Exception>
error_answer answer_when_thrown(Exception thrown) {
    try {
        throw thrown;
    } catch (...) {
        return current_error_answer("test");
    }
}

TEST(current_error_answer, keeps_a_domain_errors_code_and_retry_after) {
    const auto answer = answer_when_thrown(
        core::throttled_error(errc::rate_limited, "Project p may post 1 times a second.", 3));
    EXPECT_EQ(answer.status, 429u);
    EXPECT_EQ(answer.title, "Rate limit exceeded");
    EXPECT_EQ(answer.description, "Project p may post 1 times a second.");
    EXPECT_EQ(answer.retry_after, 3);
}

TEST(current_error_answer, keeps_a_transport_errors_code) {
    const auto answer =
        answer_when_thrown(transport_error(transport_errc::not_acceptable, "JSON only."));
    EXPECT_EQ(answer.status, 406u);
    EXPECT_EQ(answer.title, "Media type not acceptable");
    EXPECT_EQ(answer.description, "JSON only.");
    EXPECT_FALSE(answer.retry_after);
}

TEST(current_error_answer, answers_any_other_exception_as_500_without_its_text) {
    const auto answer = answer_when_thrown(std::runtime_error("sqlite3_step: disk I/O error"));
    EXPECT_EQ(answer.status, 500u);
    EXPECT_EQ(answer.title, "Internal server error");
    EXPECT_EQ(answer.description, "An unexpected error occurred.");
}

TEST(current_error_answer, lets_what_is_not_a_std_exception_through) {
    EXPECT_THROW(answer_when_thrown(42), int);
}

}  // namespace
}  // namespace marconi::api
