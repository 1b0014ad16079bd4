// Marconi. Typed configuration: defaults, then a TOML file, then MARCONI_* variables, then flags.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/limits.hpp"
#include "core/quotas.hpp"
#include "storage/contract/options.hpp"

namespace marconi::config {

/// [server]
struct server_config {
    std::string bind = "127.0.0.1";  ///< listen address
    std::uint16_t port = 8888;       ///< listen port; 0 picks a free one (logged and printed)
    int workers = 0;                 ///< io threads; 0 means one per core
    bool admin_mode = false;         ///< serve admin routes (/v2/health)
    /// [transport] enable_deprecated_api_versions, Zaqar's option: the deprecated API versions
    /// served beside v2 ("1", "1.1"); none by default, as in Zaqar.
    std::vector<std::string> enable_deprecated_api_versions;
    /// Seconds between background sweeps of expired messages and claims.
    int gc_interval_seconds = 30;
    /// On SIGTERM/SIGINT: how long requests in flight may take to finish before their
    /// connections are closed anyway. Idle connections close at once.
    int shutdown_grace_seconds = 10;
    /// Open connections; beyond it a new connection gets 503 with Retry-After and is closed.
    int max_connections = 10000;
    /// Requests being processed at once; beyond it a request gets 503 with Retry-After.
    int max_inflight_requests = 4096;
    /// To receive a request's headers, from its first byte (cuts off slowloris clients).
    int header_timeout_seconds = 10;
    /// To receive a request's body after its headers, and to send a response.
    int body_timeout_seconds = 30;
    /// A keep-alive connection may wait this long for its next request.
    int idle_timeout_seconds = 60;
    /// TLS: PEM certificate (chain) and private key; both empty: plain HTTP.
    std::string tls_cert_file;
    std::string tls_key_file;
};

/// How a request's identity (project, roles) is established.
enum class auth_strategy {
    noauth,    ///< trust X-Project-ID and X-Roles as sent (Zaqar's auth_strategy = "")
    apikeys,   ///< X-Auth-Token must be a key listed (hashed) in auth.keys_file
    keystone,  ///< X-Auth-Token is a Keystone token, validated as in [keystone_authtoken]
};

/// [auth]: Zaqar's [DEFAULT] auth_strategy and [oslo_policy] policy_file, regrouped.
struct auth_config {
    auth_strategy strategy = auth_strategy::noauth;
    std::string keys_file;    ///< apikeys: TOML file of hashed keys (required for apikeys)
    std::string policy_file;  ///< JSON rules overriding Zaqar's policy defaults; "" = defaults
};

/// [keystone_authtoken]: keystonemiddleware's option names, for auth.strategy = "keystone".
struct keystone_config {
    /// Where clients get tokens, sent in `WWW-Authenticate: Keystone uri="..."` with a 401;
    /// "" = auth_url.
    std::string www_authenticate_uri;
    /// Keystone's URL for the service login and token checks: http(s)://host:port[/prefix],
    /// with or without the trailing /v3 (required for keystone).
    std::string auth_url;
    std::string username;      ///< the service user (required for keystone)
    std::string password;      ///< its password (required for keystone; redacted in logs)
    std::string project_name;  ///< the service user's project (required for keystone)
    std::string user_domain_name = "Default";
    std::string project_domain_name = "Default";
    /// Seconds a validated (or refused) token is trusted without asking Keystone again; a
    /// token's entry never outlives the token. 0 or -1: ask every time.
    int token_cache_time = 300;
    /// Seconds a request may wait for Keystone (service login and retry included); then 503.
    int http_connect_timeout = 5;
    /// PEM CA certificates for an https auth_url; "" = the system's CAs.
    std::string cafile;
};

/// [trustee]: Zaqar's (keystoneauth's password plugin) options for the user that Keystone
/// trusts of trust+http(s) subscribers are made out to. Each empty option falls back to
/// [keystone_authtoken]'s (the service user). Used only with auth.strategy = "keystone".
struct trustee_config {
    std::string auth_url;  ///< Keystone's URL; "" = keystone_authtoken.auth_url
    std::string username;  ///< "" = keystone_authtoken.username (and its password and domain)
    std::string password;  ///< redacted in logs
    std::string user_domain_name;  ///< "" = keystone_authtoken.user_domain_name
};

/// [cors]: oslo.middleware's options and names, with the defaults Zaqar sets for them.
struct cors_config {
    std::vector<std::string> allowed_origin;  ///< "scheme://host[:port]" or "*"; empty = off
    bool allow_credentials = true;            ///< send Access-Control-Allow-Credentials: true
    /// Response headers a browser script may read (Access-Control-Expose-Headers).
    std::vector<std::string> expose_headers = {"X-Auth-Token", "X-Subject-Token", "X-Service-Token",
                                               "X-OpenStack-Request-ID"};
    int max_age = 3600;  ///< seconds a preflight answer may be cached; 0 = no header
    std::vector<std::string> allow_methods = {"GET", "PUT", "POST", "DELETE", "PATCH", "HEAD"};
    /// Request headers a preflight may ask for, beyond the CORS simple headers.
    std::vector<std::string> allow_headers = {
        "X-Auth-Token", "X-Identity-Status",      "X-Roles",      "X-Service-Catalog", "X-User-Id",
        "X-Tenant-Id",  "X-OpenStack-Request-ID", "X-Trace-Info", "X-Trace-HMAC",      "Client-id"};
};

/// [websocket]: Zaqar's [drivers:transport:websocket] options. The main listener always accepts
/// WebSocket upgrades; `bind` adds a listener of its own (Zaqar serves only there).
struct websocket_config {
    std::string bind;           ///< "" = no WebSocket listener of its own
    std::uint16_t port = 9000;  ///< its port (Zaqar's default); 0 picks a free one
    /// Where subscription_create without a subscriber points the subscription: this head's
    /// internal HTTP endpoint that forwards notifications to the socket. Loopback by default:
    /// only this host's notifier posts to it.
    std::string notification_bind = "127.0.0.1";
    std::uint16_t notification_port = 0;  ///< 0 picks a free one
};

/// [notification]: delivery of subscription notifications (Zaqar's names where it has them).
/// require_confirmation, which the subscription service needs too, is core::notification_options.
struct notification_config {
    /// Deliveries in flight at once per server (webhook requests, sendmail runs).
    int max_notifier_workers = 10;
    /// Of those, at most this many for one project, so that subscribers of one tenant that
    /// hang or answer slowly cannot take every worker from the others (capped at
    /// max_notifier_workers; equal to it: no per-project limit).
    int max_notifier_workers_per_project = 5;
    /// mailto: the mail is piped to this command (split on spaces), as Zaqar's third_part mode.
    std::string smtp_command = "/usr/sbin/sendmail -t -oi";
    /// Queue, in the subscription's project, receiving a record of each notification whose
    /// retries ran out, unless the subscription's `_dead_letter_queue` option names another;
    /// "" = only log it.
    std::string dead_letter_queue = "notification_failures";
    /// Seconds one delivery attempt may take (connect, TLS, request and response; or the
    /// smtp_command run) before it counts as failed.
    int delivery_timeout_seconds = 10;
    /// Marconi's: webhook and mail notifications carry the message's "message_id" besides
    /// Zaqar's keys (off: exactly Zaqar's payload, which the tempest plugin compares).
    bool include_message_id = false;
};

/// [signed_url]: Zaqar's group and name.
struct signed_url_config {
    /// HMAC key of pre-signed URLs (POST .../share, URL-Signature requests); "" = the feature
    /// is off: /share answers 400 and every URL-Signature request 404. Redacted in logs.
    std::string secret_key;
};

/// [log]
struct log_config {
    std::string level = "info";  ///< trace, debug, info, warn, error
};

struct config {
    server_config server;
    storage::driver_options storage;   ///< [storage] uri, sync (full|normal|off), read_threads
    storage::pooling_options pooling;  ///< [pooling] enabled, control_uri, placement, allowed_paths
    core::limits transport;            ///< [transport], Zaqar's names and defaults
    core::notification_options notification;  ///< [notification]
    auth_config auth;
    keystone_config keystone;  ///< [keystone_authtoken]
    trustee_config trustee;    ///< [trustee]
    cors_config cors;
    websocket_config websocket;
    notification_config delivery;  ///< [notification], the rest of it
    signed_url_config signed_url;
    /// [quotas]: every project's limits (0 = unlimited); see docs/quotas.md.
    core::quota_limits quotas;
    /// [[quotas.project]] entries by id: [quotas] with the keys the entry sets (file only).
    std::map<std::string, core::quota_limits, std::less<>> project_quotas;
    log_config log;
};

/// Reads `path` (TOML) over the defaults, then MARCONI_<SECTION>_<KEY> environment variables.
/// Collects every problem (unknown key, wrong type, out of range) and throws
/// std::invalid_argument listing them all, one per line. An empty path means defaults + env.
config load(const std::string& path);

/// Every option as `section.key = value` lines, for the start-up log.
std::string describe(const config& cfg);

}  // namespace marconi::config
