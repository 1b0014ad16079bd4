// Marconi. Keystone trusts for `trust+http(s)` subscribers, as an interface: the subscription
// service creates a trust when such a subscription is made, the dispatcher (src/notify) asks
// for a token from it on every notification, and src/auth implements both against Keystone
// (so core depends on neither). Under noauth or apikeys there is none, and a trust+ subscriber
// is called as plain http(s).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"

namespace marconi::core {

namespace net = boost::asio;

/// Who asked for a subscription, as the authenticator vouched for it: the trust's trustor.
struct trustor {
    std::string token;               ///< the request's X-Auth-Token (the trust is created with it)
    std::string user_id;             ///< Keystone's user id
    std::vector<std::string> roles;  ///< the token's roles on the project, delegated as they are
};

/// A token from a trust, or why there is none.
struct trust_token {
    std::string token;  ///< "" when `error` says why not
    std::string error;
};

/// Implementations are safe to call from any io thread at once.
class trust_broker {
public:
    virtual ~trust_broker() = default;

    /// Creates a trust from `who` to the service's trustee user on `project` (impersonation,
    /// `who`'s roles, expiring at `expires`) and returns its id. Throws core::error
    /// (unavailable) when Keystone does not create it.
    virtual net::awaitable<std::string> create_trust(trustor who, std::string project,
                                                     std::optional<time_point> expires) = 0;

    /// A token scoped to the trust, for X-Auth-Token (reused until shortly before it
    /// expires). A revoked or unknown trust, or Keystone unreachable, is an error value.
    virtual net::awaitable<trust_token> token_for(std::string trust_id) = 0;
};

}  // namespace marconi::core
