// Marconi.
#include "api/codec/error_mapping.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <spdlog/spdlog.h>
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

error_answer::error_answer(const core::error& e)
    : status(to_http(e.code()).status), description(valid_utf8(e.description())) {
    // Zaqar's header hooks carry their own titles ("Wrong UUID value", ...).
    const auto* titled = dynamic_cast<const core::titled_error*>(&e);
    title = std::string(titled ? titled->title() : to_http(e.code()).title);
    if (const auto* throttled = dynamic_cast<const core::throttled_error*>(&e)) {
        retry_after = throttled->retry_after_seconds();
    }
}

error_answer::error_answer(const transport_error& e)
    : status(to_http(e.code()).status),
      title(to_http(e.code()).title),
      description(valid_utf8(e.description())) {}

error_answer::error_answer(unsigned status, std::string title, std::string description)
    : status(status), title(std::move(title)), description(valid_utf8(description)) {}

error_answer current_error_answer(std::string_view context) {
    try {
        throw;
    } catch (const core::error& e) {
        if (e.code() == errc::internal || e.code() == errc::unavailable) {
            spdlog::error("{}: {}", context, e.description());
        }
        return e;
    } catch (const transport_error& e) {
        return e;
    } catch (const std::exception& e) {
        spdlog::error("{}: unexpected failure: {}", context, e.what());
        return core::error(errc::internal, "An unexpected error occurred.");
    }
}

response error_response(const error_answer& answer) {
    boost::json::value body = {{"title", answer.title}, {"description", answer.description}};
    auto reply = response::json(answer.status, boost::json::serialize(body));
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

}  // namespace marconi::api
