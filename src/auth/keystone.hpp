// Marconi. auth_strategy = keystone: X-Auth-Token is a Keystone token, validated the way
// keystonemiddleware's auth_token does it. The service logs in once with its own credentials
// (POST /v3/auth/tokens), then checks each user token with GET /v3/auth/tokens (X-Auth-Token:
// the service token, X-Subject-Token: the user's). The identity (project, roles, user) comes
// from Keystone's answer, never from the request's headers.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "auth/authenticator.hpp"
#include "common/clock.hpp"
#include "net/http_transport.hpp"

namespace marconi::auth {

/// What the keystone authenticator needs; [keystone_authtoken] in the config, with
/// keystonemiddleware's option names.
struct keystone_options {
    /// The Identity v3 API's path on the transport's server: "/v3", or "/identity/v3" when
    /// Keystone is served under a prefix (keystone_v3_path() derives it from auth_url).
    std::string v3_path = "/v3";
    std::string username;  ///< the service user
    std::string password;
    std::string user_domain_name = "Default";
    std::string project_name;  ///< the service user's project (the token is scoped to it)
    std::string project_domain_name = "Default";
    /// Where clients get tokens: the 401 challenge is `Keystone uri="<this>"`.
    std::string www_authenticate_uri;
    /// How long a validation result (valid or invalid) is reused. A valid token's entry never
    /// outlives the token's expires_at. Zero: every request asks Keystone.
    std::chrono::seconds token_cache_time{300};
    /// The longest one request waits for Keystone, service login and retry included; past it
    /// the request gets 503.
    std::chrono::milliseconds timeout{5000};
    /// Cache bounds: valid tokens, and (separately, so junk tokens cannot push valid ones out)
    /// tokens Keystone refused.
    std::size_t max_cached_tokens = 10000;
    std::size_t max_cached_invalid_tokens = 1000;
};

/// "/v3" for "http://keystone:5000", "/identity/v3" for ".../identity" or ".../identity/v3/".
std::string keystone_v3_path(std::string_view auth_url_path);

/// Keystone's "2024-05-01T12:00:00.000000Z" (also without fraction, or with "+00:00") as a
/// point in time; nullopt when it is anything else.
std::optional<time_point> parse_keystone_time(std::string_view text);

/// POST <v3_path>/auth/tokens?nocatalog as a user with a password. `scope` is Keystone's
/// auth.scope (a project, or an OS-TRUST:trust) and is left out when empty (unscoped).
outbound::http_request password_token_request(std::string_view v3_path, std::string_view username,
                                              std::string_view password,
                                              std::string_view user_domain_name,
                                              boost::json::object scope);

/// The first part of a reply body on one line, for logs (Keystone's error bodies are short
/// JSON).
std::string excerpt(std::string_view body);

/// Thread-safe; authenticate() may be called from any executor (the waiting coroutine resumes
/// on its own executor). Keystone calls run on `executor` (the server's io_context), each
/// validation on a strand of its own; nothing blocks an io thread. Concurrent requests with
/// the same uncached token share one Keystone call. Destroy it after its io_context has
/// stopped running and before that io_context is destroyed: requests still waiting are then
/// dropped, and calls in flight keep the shared state alive until the io_context drops them.
class keystone_authenticator final : public authenticator {
public:
    /// Counts, for tests and logs.
    struct statistics {
        std::uint64_t cache_hits = 0;
        std::uint64_t validations = 0;     ///< GET /v3/auth/tokens sent
        std::uint64_t service_logins = 0;  ///< POST /v3/auth/tokens sent
        std::uint64_t unavailable = 0;     ///< requests answered "Keystone unavailable"
    };

    /// Starts logging in the service user in the background, so the first request does not
    /// wait for it (a failure there is logged and retried on demand).
    keystone_authenticator(keystone_options options,
                           std::unique_ptr<outbound::http_transport> transport, const clock& clock,
                           net::any_io_executor executor);
    ~keystone_authenticator() override;

    net::awaitable<boost::system::result<identity>> authenticate(
        request_credentials creds) const override;
    std::string_view challenge() const override { return challenge_; }
    std::string_view name() const override { return "keystone"; }

    statistics stats() const;

private:
    struct state;
    std::shared_ptr<state> state_;
    std::string challenge_;
};

}  // namespace marconi::auth
