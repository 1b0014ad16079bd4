// Marconi. auth_strategy = noauth: every request is trusted; the identity comes from the
// headers a keystonemiddleware in front would have set (X-Roles, X-User-ID), and the project
// from X-Project-ID as sent.
#pragma once

#include "auth/authenticator.hpp"

namespace marconi::auth {

/// Stateless; safe on any thread.
class noauth_authenticator final : public authenticator {
public:
    net::awaitable<boost::system::result<identity>> authenticate(
        request_credentials creds) const override;
    std::string_view challenge() const override { return {}; }
    std::string_view name() const override { return "noauth"; }
    auth::verification verification_mode() const override { return verification::trusts_headers; }
};

}  // namespace marconi::auth
