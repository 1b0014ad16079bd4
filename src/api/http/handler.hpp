// Marconi. What a request handler receives, and its signature.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>

#include "api/codec/api_version.hpp"
#include "api/http/message.hpp"
#include "common/clock.hpp"
#include "core/services.hpp"
#include "core/trusts.hpp"
#include "storage/contract/ids.hpp"

namespace marconi::api {

namespace net = boost::asio;

/// Per-request state; lives on the session coroutine's frame for the request's duration.
struct request_context {
    core::services& services;
    const marconi::clock& clock;
    core::project_id project;  ///< validated X-Project-ID (empty on unscoped routes)
    core::client_id client;    ///< validated Client-ID (empty on unscoped routes)
    bool admin_mode = false;
    /// [signed_url] secret_key; empty when pre-signed URLs are off.
    std::string_view signed_url_key = {};
    /// The version of the route being served: the root of the hrefs a handler writes.
    api_version version = api_version::v2;
    /// Every version the router serves (`GET /` lists them).
    api_versions served = {};
    /// The Keystone caller (token, user, roles), for the trust of a trust+ subscriber;
    /// nullopt without a checked token (noauth, a pre-signed URL).
    std::optional<core::trustor> trustor = std::nullopt;
};

using handler = net::awaitable<response> (*)(request_context&, const request&);

/// Which checks run before a handler: authentication, then Zaqar's before-hooks.
enum class scope {
    open,     ///< `/`: no authentication, no header checks
    project,  ///< `/v2/...`: authentication, Accept, Content-Type, Client-ID, X-Project-ID
    admin,    ///< as project, and only served with admin_mode
    pooling,  ///< as admin, and only served when pooling is on (services.pools is set)
};

/// Whether a route of `s` is served at all; the router and the WebSocket dispatcher both ask.
constexpr bool is_served(scope s, bool admin_mode, bool pooling_on) {
    if (s == scope::admin) return admin_mode;
    if (s == scope::pooling) return admin_mode && pooling_on;
    return true;
}

struct route {
    api::method method;
    std::string_view path_template;  ///< `/v2/queues/{queue_name}`: `{...}` is one segment
    handler handle;
    /// Zaqar's policy rule (`queues:create`), checked after the header checks; empty: none
    /// (Zaqar enforces nothing on `/` and the json-home document).
    std::string_view rule = {};
    api::scope scope = scope::project;
    api_version version = api_version::v2;
};

}  // namespace marconi::api
