// Marconi.
#include "api/codec/error_mapping.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "api/codec/utf8.hpp"
#include "core/validation.hpp"

namespace marconi::api {

http_error to_http(core::errc code) {
    using core::errc;
    switch (code) {
        case errc::invalid_request: return {400, "Invalid API request"};
        case errc::invalid_body: return {400, "Invalid request body"};
        case errc::invalid_parameter: return {400, "Invalid parameter"};
        case errc::missing_header: return {400, "Missing header value"};
        case errc::not_acceptable: return {406, "Media type not acceptable"};
        case errc::unsupported_media: return {415, "Unsupported media type"};
        case errc::queue_not_found:
        case errc::message_not_found:
        case errc::claim_not_found:
        case errc::pool_not_found:
        case errc::flavor_not_found:
        case errc::subscription_not_found:
        case errc::topic_not_found: return {404, "Not found"};
        case errc::claim_invalid:
        case errc::message_not_claimed: return {400, "Unable to delete"};
        case errc::message_claimed: return {403, "Unable to delete"};
        case errc::conflict: return {409, "Resource conflict"};
        case errc::headers_too_large: return {431, "Request header fields too large"};
        case errc::unauthenticated: return {401, "Unauthorized"};
        case errc::forbidden: return {403, "Not authorized"};
        case errc::route_not_found: return {404, "Not found"};
        case errc::method_not_allowed: return {405, "Method not allowed"};
        case errc::quota_exceeded: return {429, "Quota exceeded"};
        case errc::rate_limited: return {429, "Rate limit exceeded"};
        case errc::unavailable: return {503, "Service temporarily unavailable"};
        case errc::internal: return {500, "Internal server error"};
    }
    return {500, "Internal server error"};
}

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

response error_response(const core::error& e) {
    const auto answer = answer_of(e);
    auto reply = error_response(answer.status, answer.title, answer.description);
    if (answer.retry_after) reply.with_header("Retry-After", std::to_string(*answer.retry_after));
    return reply;
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
