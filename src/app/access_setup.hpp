// Marconi. Builds what the router's access_control refers to from [auth], [cors] and
// [signed_url]: the authenticator, the policy, the CORS policy and the pre-signed URL key.
// Owned by serve() for the process lifetime.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>

#include "api/http/cors.hpp"
#include "api/http/router.hpp"
#include "auth/authenticator.hpp"
#include "auth/policy.hpp"
#include "common/clock.hpp"
#include "config/config.hpp"
#include "core/trusts.hpp"

namespace marconi::app {

/// Immutable once built; the router reads it from every io thread. The keystone
/// authenticator calls Keystone on `executor` (the server's io_context): destroy this before
/// that io_context.
class access_setup {
public:
    /// Loads the keys file and the policy file named in `cfg` and logs what is in force (a
    /// loud warning for noauth). Throws std::invalid_argument naming the file and every
    /// problem in it (or in the [keystone_authtoken] URL and CA file).
    access_setup(const config::config& cfg, boost::asio::any_io_executor executor);

    api::access_control view() const { return {*authenticator_, policy_, cors_, signed_url_key_}; }
    /// Keystone trusts for trust+ subscribers; nullptr unless auth.strategy = "keystone".
    core::trust_broker* trusts() const { return trusts_.get(); }

private:
    system_clock clock_;  // the keystone token cache's
    std::unique_ptr<auth::authenticator> authenticator_;
    auth::policy policy_;
    api::cors_policy cors_;
    std::string signed_url_key_;
    std::unique_ptr<core::trust_broker> trusts_;
};

}  // namespace marconi::app
