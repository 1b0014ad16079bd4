// Marconi. Keystone trusts for trust+http(s) subscribers, as Zaqar's common/auth.py does them:
// a trust from the subscribing user to the trustee user ([trustee], by default the
// [keystone_authtoken] service user) created with the user's own token
// (POST /v3/OS-TRUST/trusts), and on each notification a token from that trust
// (POST /v3/auth/tokens with the trustee's password and an OS-TRUST:trust scope), reused until
// shortly before it expires.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/clock.hpp"
#include "common/expiring_cache.hpp"
#include "core/trusts.hpp"
#include "net/http_transport.hpp"

namespace marconi::auth {

namespace net = boost::asio;

/// [trustee]: who the trusts are made out to.
struct trustee_options {
    std::string v3_path = "/v3";  ///< the Identity v3 API's path on the transport's server
    std::string username;
    std::string password;
    std::string user_domain_name = "Default";
    std::size_t max_cached_tokens = 10000;
};

/// The trust creation request body: impersonation, the roles by name, expires_at in Keystone's
/// format ("2026-12-08T01:00:00.000000Z") when given. Pure, for tests.
std::string trust_request_body(const core::trustor& who, const std::string& trustee_user_id,
                               const std::string& project, std::optional<time_point> expires);
/// The trustee's password authentication, scoped to `trust_id` (or unscoped when empty).
std::string trustee_auth_body(const trustee_options& options, const std::string& trust_id);

/// Thread-safe: create_trust() and token_for() may run on any io thread at once (the
/// transport opens a connection per call on the caller's executor). Holds only its caches;
/// must outlive the calls in flight (owned by the composition root, like the authenticator).
class keystone_trust_broker final : public core::trust_broker {
public:
    keystone_trust_broker(trustee_options options,
                          std::unique_ptr<outbound::http_transport> transport, const clock& clock);

    net::awaitable<std::string> create_trust(core::trustor who, std::string project,
                                             std::optional<time_point> expires) override;
    net::awaitable<core::trust_token> token_for(std::string trust_id) override;

private:
    /// The trustee's user id (from an unscoped login, once); "" with `error` set on failure.
    net::awaitable<std::string> trustee_user_id(std::string& error);

    const trustee_options options_;
    const std::unique_ptr<outbound::http_transport> transport_;
    const clock& clock_;
    std::mutex mutex_;
    std::string trustee_id_;                           // guarded by mutex_
    expiring_cache<std::string, std::string> tokens_;  // trust id -> token
};

}  // namespace marconi::auth
