// Marconi. The one place that turns a domain error into an HTTP status and Zaqar error body.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/codec/transport_error.hpp"
#include "api/http/message.hpp"
#include "storage/contract/error.hpp"

namespace marconi::api {

struct http_error {
    unsigned status;
    std::string_view title;  ///< Zaqar's title for this failure
};

/// Status and title of every core::errc and api::transport_errc: one table (error_mapping.cpp),
/// pinned by error_mapping_test.
http_error to_http(core::errc code);
http_error to_http(transport_errc code);

/// The code's row in that table; nullopt when it has none (error_mapping_test tries every
/// enumerator, so a code added without a row fails it). to_http answers 500 for such a code.
std::optional<http_error> find_http(core::errc code);
std::optional<http_error> find_http(transport_errc code);

/// A domain or transport error as every transport answers it. The two error kinds convert
/// implicitly, so each transport renders every failure through one function (error_response
/// here, ws::error_reply for WebSocket frames).
struct error_answer {
    error_answer(const core::error& e);
    error_answer(const transport_error& e);
    /// A failure that is neither (the transport's own: 501, 505).
    error_answer(unsigned status, std::string title, std::string description);

    unsigned status;
    std::string title;                        ///< to_http's, or a core::titled_error's own
    std::string description;                  ///< made valid UTF-8
    std::optional<std::int64_t> retry_after;  ///< seconds, for a core::throttled_error
};

/// The answer for the exception being handled: call it only inside a catch block. A core::error
/// or transport_error answers as mapped; any other std::exception is a 500. Internal and
/// unavailable failures are logged with `context` (what was being served), the rest are the
/// client's and are not. An exception that is not a std::exception propagates.
error_answer current_error_answer(std::string_view context);

/// A listing by ids that found none of them (404), in Zaqar's words.
core::error messages_not_found(const std::vector<std::string>& ids, std::string_view queue,
                               std::string_view project);

/// `{"title": ..., "description": ...}` with the answer's status, and `Retry-After` when it
/// has one.
response error_response(const error_answer& answer);

}  // namespace marconi::api
