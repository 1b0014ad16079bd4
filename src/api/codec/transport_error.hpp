// Marconi. The failures only the transport has: no credentials, no route, a refused media type.
// They are the api layer's own codes; core::errc keeps the domain's.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace marconi::api {

/// Every enumerator before `count` has one row in api::to_http's table (error_mapping.cpp),
/// pinned by error_mapping_test, which tries each of them.
enum class transport_errc {
    not_acceptable,      ///< Accept excludes application/json (406)
    unsupported_media,   ///< wrong Content-Type (PATCH media type, form bodies) (415)
    headers_too_large,   ///< request headers over the transport's limit (431)
    unauthenticated,     ///< no valid credentials (401, with WWW-Authenticate)
    route_not_found,     ///< no route for the path (404)
    method_not_allowed,  ///< path known, method not (405)
    count,               ///< not a code: how many there are
};

/// Thrown by the router and handlers; router::dispatch renders it like a core::error.
class transport_error : public std::runtime_error {
public:
    transport_error(transport_errc code, std::string description)
        : std::runtime_error(std::move(description)), code_(code) {}

    transport_errc code() const noexcept { return code_; }
    std::string_view description() const noexcept { return what(); }

private:
    transport_errc code_;
};

}  // namespace marconi::api
