// Marconi. Pins the status and title of every domain error code.
#include "api/codec/error_mapping.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "core/validation.hpp"

namespace marconi::api {
namespace {

using core::errc;

struct mapping_case {
    errc code;
    unsigned status;
    std::string_view title;
};

class error_mapping_test : public testing::TestWithParam<mapping_case> {};

TEST_P(error_mapping_test, maps_code_to_status_and_title) {
    const auto& c = GetParam();
    const auto mapped = to_http(c.code);
    EXPECT_EQ(mapped.status, c.status);
    EXPECT_EQ(mapped.title, c.title);
}

// One row per enumerator: adding an errc without a row here is a review smell.
INSTANTIATE_TEST_SUITE_P(
    every_errc, error_mapping_test,
    testing::Values(mapping_case{errc::invalid_request, 400, "Invalid API request"},
                    mapping_case{errc::invalid_body, 400, "Invalid request body"},
                    mapping_case{errc::invalid_parameter, 400, "Invalid parameter"},
                    mapping_case{errc::missing_header, 400, "Missing header value"},
                    mapping_case{errc::not_acceptable, 406, "Media type not acceptable"},
                    mapping_case{errc::unsupported_media, 415, "Unsupported media type"},
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
                    mapping_case{errc::headers_too_large, 431, "Request header fields too large"},
                    mapping_case{errc::unauthenticated, 401, "Unauthorized"},
                    mapping_case{errc::forbidden, 403, "Not authorized"},
                    mapping_case{errc::route_not_found, 404, "Not found"},
                    mapping_case{errc::method_not_allowed, 405, "Method not allowed"},
                    mapping_case{errc::quota_exceeded, 429, "Quota exceeded"},
                    mapping_case{errc::rate_limited, 429, "Rate limit exceeded"},
                    mapping_case{errc::unavailable, 503, "Service temporarily unavailable"},
                    mapping_case{errc::internal, 500, "Internal server error"}));

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
    const auto reply = error_response(
        core::titled_error(errc::missing_header, "Wrong UUID value", "Malformed hexadecimal UUID."));
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

}  // namespace
}  // namespace marconi::api
