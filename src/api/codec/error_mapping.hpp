// Marconi. The one place that turns a domain error into an HTTP status and Zaqar error body.
#pragma once

#include <string>
#include <string_view>

#include "api/http/message.hpp"
#include "storage/contract/error.hpp"

namespace marconi::api {

struct http_error {
    unsigned status;
    std::string_view title;  ///< Zaqar's title for this failure
};

/// Status and title for every core::errc (pinned by error_mapping_test).
http_error to_http(core::errc code);

/// `{"title": ..., "description": ...}` with the mapped status; a core::titled_error keeps
/// its own title, a core::throttled_error adds `Retry-After`.
response error_response(const core::error& e);

/// The same body for a failure that is not a domain error (the transport's own: 501, 505).
response error_response(unsigned status, std::string_view title, std::string_view description);

}  // namespace marconi::api
