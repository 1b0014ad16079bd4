// Marconi.
#include "api/codec/error_mapping.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <iterator>
#include <variant>

#include "api/codec/utf8.hpp"
#include "core/validation.hpp"

namespace marconi::api {

namespace {

using core::errc;

struct row {
    std::variant<errc, transport_errc> code;
    unsigned status;
    std::string_view title;
};

// The one error -> status table: one row per code, domain and transport alike.
constexpr row table[] = {
    {errc::invalid_request, 400, "Invalid API request"},
    {errc::invalid_body, 400, "Invalid request body"},
    {errc::invalid_parameter, 400, "Invalid parameter"},
    {errc::missing_header, 400, "Missing header value"},
    {errc::queue_not_found, 404, "Not found"},
    {errc::message_not_found, 404, "Not found"},
    {errc::claim_not_found, 404, "Not found"},
    {errc::pool_not_found, 404, "Not found"},
    {errc::flavor_not_found, 404, "Not found"},
    {errc::subscription_not_found, 404, "Not found"},
    {errc::topic_not_found, 404, "Not found"},
    {errc::claim_invalid, 400, "Unable to delete"},
    {errc::message_not_claimed, 400, "Unable to delete"},
    {errc::message_claimed, 403, "Unable to delete"},
    {errc::conflict, 409, "Resource conflict"},
    {errc::forbidden, 403, "Not authorized"},
    {errc::quota_exceeded, 429, "Quota exceeded"},
    {errc::rate_limited, 429, "Rate limit exceeded"},
    {errc::unavailable, 503, "Service temporarily unavailable"},
    {errc::internal, 500, "Internal server error"},
    {transport_errc::not_acceptable, 406, "Media type not acceptable"},
    {transport_errc::unsupported_media, 415, "Unsupported media type"},
    {transport_errc::headers_too_large, 431, "Request header fields too large"},
    {transport_errc::unauthenticated, 401, "Unauthorized"},
    {transport_errc::route_not_found, 404, "Not found"},
    {transport_errc::method_not_allowed, 405, "Method not allowed"},
};
// With every code found (error_mapping_test), as many rows as codes means one row each.
static_assert(std::size(table) == static_cast<std::size_t>(errc::count) +
                                      static_cast<std::size_t>(transport_errc::count));

template <class Code>
std::optional<http_error> find_row(Code code) {
    for (const auto& r : table) {
        if (const auto* c = std::get_if<Code>(&r.code); c && *c == code) {
            return http_error{r.status, r.title};
        }
    }
    return std::nullopt;
}

constexpr http_error no_row{500, "Internal server error"};

}  // namespace

std::optional<http_error> find_http(core::errc code) { return find_row(code); }
std::optional<http_error> find_http(transport_errc code) { return find_row(code); }

http_error to_http(core::errc code) { return find_row(code).value_or(no_row); }
http_error to_http(transport_errc code) { return find_row(code).value_or(no_row); }

error_answer answer_of(const core::error& e) {
    const auto mapped = to_http(e.code());
    // Zaqar's header hooks carry their own titles ("Wrong UUID value", ...).
    const auto* titled = dynamic_cast<const core::titled_error*>(&e);
    error_answer answer{mapped.status, std::string(titled ? titled->title() : mapped.title),
                        valid_utf8(e.description()), std::nullopt};
    if (const auto* throttled = dynamic_cast<const core::throttled_error*>(&e)) {
        answer.retry_after = throttled->retry_after_seconds();
    }
    return answer;
}

error_answer answer_of(const transport_error& e) {
    const auto mapped = to_http(e.code());
    return {mapped.status, std::string(mapped.title), valid_utf8(e.description()), std::nullopt};
}

response error_response(const core::error& e) {
    const auto answer = answer_of(e);
    auto reply = error_response(answer.status, answer.title, answer.description);
    if (answer.retry_after) reply.with_header("Retry-After", std::to_string(*answer.retry_after));
    return reply;
}

response error_response(const transport_error& e) {
    const auto answer = answer_of(e);
    return error_response(answer.status, answer.title, answer.description);
}

core::error messages_not_found(const std::vector<std::string>& ids, std::string_view queue,
                               std::string_view project) {
    std::string listed;
    for (const auto& id : ids) listed += (listed.empty() ? "" : ", ") + ("'" + id + "'");
    return core::error(core::errc::message_not_found,
                       "No messages with IDs: [" + listed + "] found in the queue " +
                           std::string(queue) + " for project " + std::string(project) + ".");
}

response error_response(unsigned status, std::string_view title, std::string_view description) {
    // Descriptions may echo client bytes (ids, project ids) that are not UTF-8.
    boost::json::value body = {{"title", title}, {"description", valid_utf8(description)}};
    return response::json(status, boost::json::serialize(body));
}

}  // namespace marconi::api
