// Marconi. Builds what the router's access_control refers to from [auth] and [cors]: the
// authenticator, the policy and the CORS policy. Owned by serve() for the process lifetime.
#pragma once

#include <memory>

#include "api/http/cors.hpp"
#include "api/http/router.hpp"
#include "auth/authenticator.hpp"
#include "auth/policy.hpp"
#include "config/config.hpp"

namespace marconi::app {

/// Immutable once built; the router reads it from every io thread.
class access_setup {
public:
    /// Loads the keys file and the policy file named in `cfg` and logs what is in force (a
    /// loud warning for noauth). Throws std::invalid_argument naming the file and every
    /// problem in it.
    explicit access_setup(const config::config& cfg);

    api::access_control view() const { return {*authenticator_, policy_, cors_}; }

private:
    std::unique_ptr<auth::authenticator> authenticator_;
    auth::policy policy_;
    api::cors_policy cors_;
};

}  // namespace marconi::app
