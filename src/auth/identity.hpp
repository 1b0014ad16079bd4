// Marconi. Who sent a request, as established by an authenticator, and the raw identity
// headers a transport hands over to establish it. No transport types here.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"

namespace marconi::auth {

/// The identity headers of one request, copied out of whatever transport carried it.
struct request_credentials {
    std::optional<std::string> token;    ///< X-Auth-Token
    std::optional<std::string> user_id;  ///< X-User-ID (trusted only by noauth)
    std::optional<std::string> roles;    ///< X-Roles, comma-separated (trusted only by noauth)
};

/// The caller, as the authenticator vouches for it.
struct identity {
    std::string user_id;  ///< the key's name; X-User-ID under noauth (may be empty)
    /// The project the credentials belong to. nullopt: not bound (noauth), so the request's
    /// X-Project-ID names the project; otherwise a different X-Project-ID is refused.
    std::optional<std::string> project_id;
    std::vector<std::string> roles;
    /// When the credentials stop being valid (a Keystone token's expires_at); nullopt: never.
    std::optional<time_point> expires = std::nullopt;
};

/// "admin, member" -> {"admin", "member"}: split at commas, trimmed, empty items dropped
/// (keystonemiddleware sends X-Roles as a comma list).
std::vector<std::string> split_roles(std::string_view roles);

}  // namespace marconi::auth
