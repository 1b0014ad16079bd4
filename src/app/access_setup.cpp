// Marconi.
#include "app/access_setup.hpp"

#include <spdlog/spdlog.h>

#include "auth/api_keys.hpp"
#include "auth/noauth.hpp"

namespace marconi::app {

namespace {

std::unique_ptr<auth::authenticator> make_authenticator(const config::auth_config& cfg) {
    switch (cfg.strategy) {
        case config::auth_strategy::apikeys: {
            auto keys = auth::load_api_keys(cfg.keys_file);
            spdlog::info("auth: apikeys, {} keys from {}; X-Auth-Token required", keys.size(),
                         cfg.keys_file);
            return std::make_unique<auth::api_key_authenticator>(std::move(keys));
        }
        case config::auth_strategy::noauth: break;
    }
    spdlog::warn(
        "auth: strategy noauth: EVERY REQUEST IS TRUSTED. The project comes from X-Project-ID "
        "and the roles from X-Roles exactly as the client sends them, so any client can act "
        "in any project and as admin. Use [auth] strategy = \"apikeys\" unless an "
        "authenticating proxy sets those headers.");
    return std::make_unique<auth::noauth_authenticator>();
}

auth::policy make_policy(const std::string& path) {
    if (path.empty()) {
        spdlog::info("policy: Zaqar's defaults (admin-only: health, pools, flavor changes)");
        return auth::policy();
    }
    auto policy = auth::policy::load_file(path);
    spdlog::info("policy: Zaqar's defaults overridden by {}", path);
    for (const auto& name : policy.unused_overrides()) {
        spdlog::warn("policy: {} defines rule \"{}\", which no route checks and no rule refers "
                     "to (a typo?)",
                     path, name);
    }
    return policy;
}

api::cors_options cors_options_from(const config::cors_config& cfg) {
    api::cors_options options;
    options.allowed_origin = cfg.allowed_origin;
    options.allow_credentials = cfg.allow_credentials;
    options.expose_headers = cfg.expose_headers;
    options.max_age = cfg.max_age;
    options.allow_methods = cfg.allow_methods;
    options.allow_headers = cfg.allow_headers;
    if (!options.allowed_origin.empty()) {
        std::string origins;
        for (const auto& o : options.allowed_origin) origins += (origins.empty() ? "" : ", ") + o;
        spdlog::info("cors: allowed origins {}", origins);
    }
    return options;
}

}  // namespace

access_setup::access_setup(const config::config& cfg)
    : authenticator_(make_authenticator(cfg.auth)),
      policy_(make_policy(cfg.auth.policy_file)),
      cors_(cors_options_from(cfg.cors)) {}

}  // namespace marconi::app
