// Marconi.
#include "app/access_setup.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "auth/api_keys.hpp"
#include "auth/keystone.hpp"
#include "auth/keystone_trusts.hpp"
#include "auth/noauth.hpp"
#include "net/http_client.hpp"

namespace marconi::app {

namespace {

std::unique_ptr<auth::authenticator> make_keystone(const config::keystone_config& cfg,
                                                   const clock& clock,
                                                   boost::asio::any_io_executor executor) {
    auto url = outbound::parse_url(cfg.auth_url);
    auth::keystone_options options;
    options.v3_path = auth::keystone_v3_path(url.path);
    options.username = cfg.username;
    options.password = cfg.password;
    options.user_domain_name = cfg.user_domain_name;
    options.project_name = cfg.project_name;
    options.project_domain_name = cfg.project_domain_name;
    options.www_authenticate_uri =
        cfg.www_authenticate_uri.empty() ? cfg.auth_url : cfg.www_authenticate_uri;
    // keystonemiddleware: -1 disables the cache; 0 asks every time here too.
    options.token_cache_time = std::chrono::seconds{std::max(0, cfg.token_cache_time)};
    options.timeout = std::chrono::seconds{cfg.http_connect_timeout};
    outbound::client_options client;
    client.timeout = options.timeout;
    client.cafile = cfg.cafile;
    auto transport = std::make_unique<outbound::client>(url, client);
    spdlog::info(
        "auth: keystone at {}{} as user \"{}\" (project \"{}\"); tokens cached for {} s; "
        "X-Auth-Token required",
        url.origin(), options.v3_path, options.username, options.project_name,
        options.token_cache_time.count());
    return std::make_unique<auth::keystone_authenticator>(std::move(options), std::move(transport),
                                                          clock, std::move(executor));
}

std::unique_ptr<auth::authenticator> make_authenticator(const config::config& config,
                                                        const clock& clock,
                                                        boost::asio::any_io_executor executor) {
    const auto& cfg = config.auth;
    switch (cfg.strategy) {
        case config::auth_strategy::keystone:
            return make_keystone(config.keystone, clock, std::move(executor));
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

/// [trustee], each empty option taken from [keystone_authtoken].
std::unique_ptr<core::trust_broker> make_trust_broker(const config::config& config,
                                                      const clock& clock) {
    const auto& ks = config.keystone;
    const auto& cfg = config.trustee;
    const auto& auth_url = cfg.auth_url.empty() ? ks.auth_url : cfg.auth_url;
    auto url = outbound::parse_url(auth_url);
    auth::trustee_options options;
    options.v3_path = auth::keystone_v3_path(url.path);
    const bool own_user = !cfg.username.empty();
    options.username = own_user ? cfg.username : ks.username;
    options.password = own_user ? cfg.password : ks.password;
    options.user_domain_name =
        !cfg.user_domain_name.empty() ? cfg.user_domain_name : ks.user_domain_name;
    outbound::client_options client;
    client.timeout = std::chrono::seconds{ks.http_connect_timeout};
    client.cafile = ks.cafile;
    auto transport = std::make_unique<outbound::client>(url, client);
    spdlog::info("trusts: trust+ subscribers get tokens from trusts to user \"{}\" at {}{}",
                 options.username, url.origin(), options.v3_path);
    return std::make_unique<auth::keystone_trust_broker>(std::move(options), std::move(transport),
                                                         clock);
}

auth::policy make_policy(const std::string& path) {
    if (path.empty()) {
        spdlog::info("policy: Zaqar's defaults (admin-only: health, pools, flavor changes)");
        return auth::policy();
    }
    auto policy = auth::policy::load_file(path);
    spdlog::info("policy: Zaqar's defaults overridden by {}", path);
    for (const auto& name : policy.unused_overrides()) {
        spdlog::warn(
            "policy: {} defines rule \"{}\", which no route checks and no rule refers "
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

access_setup::access_setup(const config::config& cfg, boost::asio::any_io_executor executor)
    : authenticator_(make_authenticator(cfg, clock_, std::move(executor))),
      policy_(make_policy(cfg.auth.policy_file)),
      cors_(cors_options_from(cfg.cors)),
      signed_url_key_(cfg.signed_url.secret_key) {
    if (cfg.auth.strategy == config::auth_strategy::keystone) {
        trusts_ = make_trust_broker(cfg, clock_);
    }
    if (!signed_url_key_.empty()) {
        spdlog::info("signed urls: on; URL-Signature requests skip authentication");
    }
}

}  // namespace marconi::app
