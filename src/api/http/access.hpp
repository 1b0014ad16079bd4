// Marconi. The access checks every transport runs before a core service call: authentication
// of a request's credentials, a pre-signed request's signature, Zaqar's header checks and a
// route's (or WebSocket action's) policy rule. The router and the WebSocket actions share them.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string_view>

#include "api/codec/api_version.hpp"
#include "api/codec/transport_error.hpp"
#include "api/http/message.hpp"
#include "auth/authenticator.hpp"
#include "auth/policy.hpp"
#include "core/limits.hpp"
#include "core/trusts.hpp"
#include "storage/contract/error.hpp"
#include "storage/contract/ids.hpp"

namespace marconi::api {

namespace net = boost::asio;

/// The credentials the authenticator reads: X-Auth-Token, X-User-ID, X-Roles.
auth::request_credentials credentials_of(const request& req);

/// Refuses (400) a request naming X-Auth-Token, X-Roles or X-User-ID more than once.
void reject_repeated_credentials(const request& req);

/// What authenticating one request's credentials established.
enum class authentication { authenticated, refused, unavailable };

struct authenticated_identity {
    authentication result = authentication::refused;
    auth::identity who;  ///< set when authenticated
};

/// Runs the authenticator. Failures are values: `refused` (invalid or missing credentials) and
/// `unavailable` (the identity service could not answer).
net::awaitable<authenticated_identity> authenticate(const auth::authenticator& authenticator,
                                                    auth::request_credentials creds);

/// The 401 refusal of a request the authenticator refused.
transport_error unauthenticated_error();

/// The 503 of a request whose credentials could not be checked.
core::error identity_unavailable_error();

/// Whether a pre-signed request's URL-* headers grant `method` on `path`.
enum class signature_check { granted, refused };

/// Checks the URL-Signature, URL-Expires, URL-Methods, URL-Paths and X-Project-ID headers of
/// `req` (each at most once) against `key` (empty: pre-signed URLs are off, nothing is granted).
signature_check check_signature(std::string_view key, const request& req, std::string_view method,
                                std::string_view path, std::chrono::system_clock::time_point now);

/// The refusal of a request whose X-Project-ID is not the project its credentials are bound
/// to (403). The WebSocket `authenticate` refuses such a socket with the same error.
core::error project_mismatch_error();

/// The project and client a request acts as, after Zaqar's header checks.
struct request_scope {
    core::project_id project;
    core::client_id client;
};

/// Zaqar's before-hooks, in its order (spec §1.2): Content-Type (of a request with a body),
/// Accept, Client-ID, then the project: the one `who` is bound to, or (noauth) X-Project-ID.
/// v1.0 asks for neither header: without them the scope's client and project are empty.
/// Throws core::error with Zaqar's wording.
request_scope check_headers(const request& req, const core::limits& limits,
                            const auth::identity& who, api_version version = api_version::v2);

/// The caller as a trust's trustor: its own X-Auth-Token and user, when `authenticator` checked
/// them (Keystone). nullopt otherwise: noauth and API keys, and a pre-signed request, which
/// has no user.
std::optional<core::trustor> trustor_of(const request& req, const auth::identity& who,
                                        const auth::authenticator& authenticator);

/// Throws core::error{forbidden} (403) unless `rule` lets `who` act on `project`.
void enforce_policy(const auth::policy& policy, const auth::check& rule, std::string_view name,
                    const auth::identity& who, std::string_view project);

}  // namespace marconi::api
