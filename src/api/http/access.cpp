// Marconi.
#include "api/http/access.hpp"

#include <spdlog/spdlog.h>

#include "core/validation.hpp"
#include "net/signed_url.hpp"

namespace marconi::api {

using core::errc;
using core::error;

namespace {

/// The project a request acts on: the one its credentials are bound to, or (noauth) its
/// X-Project-ID. A bound identity fills in a missing X-Project-ID and refuses a different one
/// (keystonemiddleware would silently replace it; refusing makes the mistake visible).
std::optional<std::string_view> project_of(const request& req, const auth::identity& who) {
    const auto header = req.header("X-Project-ID");
    if (!who.project_id) return header;
    if (header && *header != *who.project_id) throw project_mismatch_error();
    return std::string_view(*who.project_id);
}

}  // namespace

auth::request_credentials credentials_of(const request& req) {
    auth::request_credentials creds;
    if (auto token = req.header("X-Auth-Token")) creds.token = std::string(*token);
    if (auto user = req.header("X-User-ID")) creds.user_id = std::string(*user);
    if (auto roles = req.header("X-Roles")) creds.roles = std::string(*roles);
    return creds;
}

void reject_repeated_credentials(const request& req) {
    // Two values are ambiguous: picking one would let a client override a header that an
    // authenticating proxy appends.
    for (std::string_view name : {"X-Auth-Token", "X-Roles", "X-User-ID"}) {
        if (req.header_count(name) > 1) {
            throw error(errc::invalid_request,
                        "The " + std::string(name) + " header must be given once.");
        }
    }
}

net::awaitable<authenticated_identity> authenticate(const auth::authenticator& authenticator,
                                                    auth::request_credentials creds) {
    auto who = co_await authenticator.authenticate(std::move(creds));
    if (who) co_return authenticated_identity{authentication::authenticated, std::move(*who)};
    if (who.error() == auth::errc::unavailable) {
        co_return authenticated_identity{authentication::unavailable, {}};
    }
    spdlog::debug("authentication refused: {}", who.error().message());
    co_return authenticated_identity{};
}

core::error identity_unavailable_error() {
    return error(errc::unavailable, "The identity service is unavailable.");
}

transport_error unauthenticated_error() {
    return {transport_errc::unauthenticated, "The request you have made requires authentication."};
}

signature_check check_signature(std::string_view key, const request& req, std::string_view method,
                                std::string_view path, std::chrono::system_clock::time_point now) {
    for (std::string_view name :
         {"URL-Signature", "URL-Expires", "URL-Methods", "URL-Paths", "X-Project-ID"}) {
        if (req.header_count(name) > 1) return signature_check::refused;
    }
    const signing::presented_signature presented{
        req.header("URL-Signature").value_or(""), req.header("URL-Expires").value_or(""),
        req.header("URL-Methods").value_or(""), req.header("URL-Paths").value_or(""),
        req.header("X-Project-ID").value_or("")};
    if (presented.project.empty() || !signing::verify(key, presented, method, path, now)) {
        spdlog::debug("{} {}: URL-Signature does not grant this request", method, path);
        return signature_check::refused;
    }
    return signature_check::granted;
}

core::error project_mismatch_error() {
    return error(errc::forbidden,
                 "The X-Project-ID header does not match the project of the credentials.");
}

request_scope check_headers(const request& req, const core::limits& limits,
                            const auth::identity& who, api_version version) {
    if (!req.body.empty()) {
        if (auto type = req.header("Content-Type")) {
            if (type->starts_with("application/x-www-form-urlencoded")) {
                throw core::titled_error(
                    errc::invalid_request, "Invalid Content-Type",
                    "Endpoint does not accept `application/x-www-form-urlencoded` "
                    "content; currently supported media type is `application/json`; "
                    "specify proper client-side media type with the \"Content-Type\" "
                    "header.");
            }
        }
    }
    if (auto accept = req.header("Accept")) {
        const bool json_ok = accept->empty() ||
                             accept->find("application/json") != std::string_view::npos ||
                             accept->find("*/*") != std::string_view::npos ||
                             accept->find("application/*") != std::string_view::npos;
        if (!json_ok) {
            throw transport_error(transport_errc::not_acceptable,
                                  "Endpoint only serves `application/json`; specify client-side "
                                  "media type support with the \"Accept\" header.");
        }
    }
    // Two values for an identity header are ambiguous: picking one would let a client override
    // a header that an authenticating proxy appends.
    for (std::string_view name : {"Client-ID", "X-Project-ID"}) {
        if (req.header_count(name) > 1) {
            throw error(errc::invalid_request,
                        "The " + std::string(name) + " header must be given once.");
        }
    }
    const auto client = req.header("Client-ID");
    const auto project = project_of(req, who);
    request_scope scope;
    if (version == api_version::v1_0) {
        // Zaqar's hooks: v1.0's message posts and listings need a Client-ID (their handlers
        // ask for it), and a missing project is the project-less namespace.
        core::validate_v1_client_id(client);
        if (project && project->empty()) core::validate_project_id(project);
        scope.client = core::client_id{std::string(client.value_or(""))};
        scope.project = core::project_id{std::string(project.value_or(""))};
        return scope;
    }
    core::validate_client_id(client, limits);
    scope.client = core::client_id{std::string(*client)};
    core::validate_project_id(project);
    scope.project = core::project_id{std::string(*project)};
    return scope;
}

std::optional<core::trustor> trustor_of(const request& req, const auth::identity& who,
                                        const auth::authenticator& authenticator) {
    const auto token = req.header("X-Auth-Token");
    if (!token || who.user_id.empty() ||
        authenticator.verification_mode() != auth::verification::checks_credentials) {
        return std::nullopt;
    }
    return core::trustor{std::string(*token), who.user_id, who.roles};
}

void enforce_policy(const auth::policy& policy, const auth::check& rule, std::string_view name,
                    const auth::identity& who, std::string_view project) {
    if (policy.allows(rule, who, project)) return;
    spdlog::debug("403: {} denied for user \"{}\"", name, who.user_id);
    throw error(errc::forbidden, "You are not authorized to complete this action.");
}

}  // namespace marconi::api
