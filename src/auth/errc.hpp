// Marconi. Why authentication failed; the router maps these to 401/503 (router.cpp,
// authentication_error) and then through api::to_http like every other failure.
#pragma once

#include <boost/system/error_code.hpp>
#include <type_traits>

namespace marconi::auth {

enum class errc {
    missing_token = 1,  ///< no X-Auth-Token where one is required (401)
    invalid_token,      ///< a token that matches no credentials (401)
    unavailable,        ///< the identity backend could not answer, e.g. Keystone down (503)
};

const boost::system::error_category& category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), category()};
}

}  // namespace marconi::auth

template <>
struct boost::system::is_error_code_enum<marconi::auth::errc> : std::true_type {};
