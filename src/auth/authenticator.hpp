// Marconi. The authentication interface: one request's credentials in, an identity out,
// asynchronously, so a validator that calls a remote service (Keystone) fits behind it
// without changing the router.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <string_view>

#include "auth/errc.hpp"
#include "auth/identity.hpp"

namespace marconi::auth {

namespace net = boost::asio;

/// Whether a strategy checks the credentials a request carries or trusts its headers as sent.
enum class verification { checks_credentials, trusts_headers };

/// Implementations are immutable after construction and shared by every session on every
/// thread, so authenticate() must be safe to call concurrently. They must outlive the router.
class authenticator {
public:
    virtual ~authenticator() = default;

    /// Establishes who sent a request. Expected failures are values (auth::errc), never
    /// exceptions: missing_token and invalid_token become 401, unavailable becomes 503.
    virtual net::awaitable<boost::system::result<identity>> authenticate(
        request_credentials creds) const = 0;

    /// The WWW-Authenticate challenge that goes with a 401 (RFC 9110 section 11.6.1).
    virtual std::string_view challenge() const = 0;

    /// The strategy's name, for logs: "noauth", "apikeys".
    virtual std::string_view name() const = 0;
    /// noauth trusts the headers; every other strategy checks credentials (a WebSocket must
    /// then `authenticate` before other actions).
    virtual auth::verification verification_mode() const {
        return verification::checks_credentials;
    }
};

}  // namespace marconi::auth
