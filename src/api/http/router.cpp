// Marconi.
#include "api/http/router.hpp"

#include <boost/container/small_vector.hpp>
#include <spdlog/spdlog.h>

#include "api/codec/error_mapping.hpp"
#include "auth/noauth.hpp"
#include "net/signed_url.hpp"
#include "storage/contract/error.hpp"
#include "core/validation.hpp"

namespace marconi::api {

using core::errc;
using core::error;

namespace {

/// The non-empty `/`-separated segments of a path, as views into it. Inline storage covers
/// every route, so matching a request allocates nothing.
using path_segments = boost::container::small_vector<std::string_view, 8>;

path_segments split_path(std::string_view path) {
    path_segments segments;
    while (!path.empty()) {
        if (path.front() == '/') {
            path.remove_prefix(1);
            continue;
        }
        const auto slash = path.find('/');
        segments.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash);
    }
    return segments;
}

bool is_parameter(const std::string& segment) {
    return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

/// Headers the authenticator reads. Two values are ambiguous: picking one would let a client
/// override a header that an authenticating proxy appends.
void reject_repeated_credentials(const request& req) {
    for (std::string_view name : {"X-Auth-Token", "X-Roles", "X-User-ID"}) {
        if (req.header_count(name) > 1) {
            throw error(errc::invalid_request,
                        "The " + std::string(name) + " header must be given once.");
        }
    }
}

auth::request_credentials credentials_of(const request& req) {
    auth::request_credentials creds;
    if (auto token = req.header("X-Auth-Token")) creds.token = std::string(*token);
    if (auto user = req.header("X-User-ID")) creds.user_id = std::string(*user);
    if (auto roles = req.header("X-Roles")) creds.roles = std::string(*roles);
    return creds;
}

/// The project a request acts on: the one its credentials are bound to, or (noauth) its
/// X-Project-ID. A bound identity fills in a missing X-Project-ID and refuses a different one
/// (keystonemiddleware would silently replace it; refusing makes the mistake visible).
std::optional<std::string_view> project_of(const request& req, const auth::identity& who) {
    const auto header = req.header("X-Project-ID");
    if (!who.project_id) return header;
    if (header && *header != *who.project_id) throw project_mismatch_error();
    return std::string_view(*who.project_id);
}

/// Zaqar's before-hooks, in its order (spec §1.2): Content-Type, Accept, Client-ID, project.
void check_headers(const request& req, request_context& ctx, const core::limits& limits,
                   const auth::identity& who) {
    if (!req.body.empty()) {
        if (auto type = req.header("Content-Type")) {
            if (type->starts_with("application/x-www-form-urlencoded")) {
                throw core::titled_error(errc::invalid_request, "Invalid Content-Type",
                            "Endpoint does not accept `application/x-www-form-urlencoded` "
                            "content; currently supported media type is `application/json`; "
                            "specify proper client-side media type with the \"Content-Type\" "
                            "header.");
            }
        }
    }
    if (auto accept = req.header("Accept")) {
        const bool json_ok = accept->empty() || accept->find("application/json") != std::string_view::npos ||
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
    core::validate_client_id(client, limits);
    ctx.client = core::client_id{std::string(*client)};

    const auto project = project_of(req, who);
    core::validate_project_id(project);
    ctx.project = core::project_id{std::string(*project)};
}

}  // namespace

core::error project_mismatch_error() {
    return core::error(core::errc::forbidden,
                       "The X-Project-ID header does not match the project of the credentials.");
}

access_control access_control::trusting() {
    static const auth::noauth_authenticator noauth;
    static const auth::policy defaults;
    static const cors_policy no_cors{cors_options{}};
    return access_control{noauth, defaults, no_cors};
}

router::router(std::span<const route> routes, core::services& services, const marconi::clock& clock,
               bool admin_mode, access_control access)
    : services_(services), clock_(clock), admin_mode_(admin_mode), access_(access) {
    for (const auto& r : routes) {
        if (r.scope == scope::admin && !admin_mode) continue;
        if (r.scope == scope::pooling && (!admin_mode || services.pools == nullptr)) continue;
        const auth::check* rule = nullptr;
        if (!r.rule.empty()) {
            rule = access_.policy.find(r.rule);
            if (!rule) {
                throw std::invalid_argument("route " + std::string(to_string(r.method)) + " " +
                                            std::string(r.path_template) +
                                            " names an unknown policy rule " +
                                            std::string(r.rule));
            }
        }
        const auto segments = split_path(r.path_template);
        routes_.push_back(compiled_route{&r, {segments.begin(), segments.end()}, rule});
    }
}

router::match_result router::match(request& req) const {
    const auto segments = split_path(req.path);
    match_result result;
    for (const auto& candidate : routes_) {
        if (candidate.segments.size() != segments.size()) continue;
        bool same_shape = true;
        for (std::size_t i = 0; i < segments.size() && same_shape; ++i) {
            same_shape =
                is_parameter(candidate.segments[i]) || candidate.segments[i] == segments[i];
        }
        if (!same_shape) continue;
        if (candidate.target->method == req.method) {
            result.found = &candidate;
            req.path_params.clear();
            for (std::size_t i = 0; i < segments.size(); ++i) {
                if (is_parameter(candidate.segments[i])) req.path_params.emplace_back(segments[i]);
            }
            return result;
        }
        result.open_path = result.open_path || candidate.target->scope == scope::open;
        if (!result.allow.empty()) result.allow += ", ";
        result.allow += to_string(candidate.target->method);
    }
    return result;
}

net::awaitable<response> router::handle(request& req) const {
    auto matched = match(req);
    if (req.method == method::options) {
        // CORS preflights carry no credentials: oslo's CORS middleware answers them in front
        // of authentication.
        if (!matched.allow.empty()) matched.allow += ", OPTIONS";
        co_return access_.cors.preflight(req, matched.allow);
    }
    const auto* found = matched.found;
    const bool open = found ? found->target->scope == scope::open : matched.open_path;
    if (open) {
        if (!found) {
            auto reply = error_response(
                transport_error(transport_errc::method_not_allowed, "Method not allowed."));
            reply.with_header("Allow", matched.allow);
            co_return reply;
        }
        request_context ctx{services_, clock_, {}, {}, admin_mode_};
        co_return co_await found->target->handle(ctx, req);
    }

    // A pre-signed request is checked first and instead of authentication (Zaqar's
    // SignedHeadersAuth skips keystone for it); any failure is a bare 404.
    if (req.header("URL-Signature")) {
        auto signed_who = pre_signed_identity(req);
        if (!signed_who) co_return response::empty(404);
        co_return co_await authorized(req, matched, *signed_who);
    }

    // Authentication comes first, as Zaqar's auth middleware wraps the whole application:
    // without credentials even a wrong path answers 401.
    reject_repeated_credentials(req);
    auto creds = credentials_of(req);
    auto who = co_await access_.authenticator.authenticate(std::move(creds));
    if (!who) {
        if (who.error() == auth::errc::unavailable) {
            throw error(errc::unavailable, "The identity service is unavailable.");
        }
        spdlog::debug("{} {}: 401: {}", to_string(req.method), req.path, who.error().message());
        auto reply = error_response(
            transport_error(transport_errc::unauthenticated,
                            "The request you have made requires authentication."));
        if (const auto challenge = access_.authenticator.challenge(); !challenge.empty()) {
            reply.with_header("WWW-Authenticate", std::string(challenge));
        }
        co_return reply;
    }
    co_return co_await authorized(req, matched, *who);
}

std::optional<auth::identity> router::pre_signed_identity(const request& req) const {
    for (std::string_view name :
         {"URL-Signature", "URL-Expires", "URL-Methods", "URL-Paths", "X-Project-ID"}) {
        if (req.header_count(name) > 1) return std::nullopt;
    }
    const signing::presented_signature presented{
        req.header("URL-Signature").value_or(""), req.header("URL-Expires").value_or(""),
        req.header("URL-Methods").value_or(""), req.header("URL-Paths").value_or(""),
        req.header("X-Project-ID").value_or("")};
    if (presented.project.empty() ||
        !signing::verify(access_.signed_url_key, presented, to_string(req.method), req.path,
                         clock_.now())) {
        spdlog::debug("{} {}: 404: URL-Signature does not grant this request",
                      to_string(req.method), req.path);
        return std::nullopt;
    }
    // Only what was signed: the project. Roles and user headers are not trusted here (Zaqar
    // copies X-Roles from such a request into its policy context).
    return auth::identity{};
}

net::awaitable<response> router::authorized(request& req, const match_result& matched,
                                            const auth::identity& who) const {
    const auto* found = matched.found;
    if (!found) {
        if (matched.allow.empty()) {
            throw transport_error(transport_errc::route_not_found,
                                  "The requested resource could not be found.");
        }
        auto reply = error_response(
            transport_error(transport_errc::method_not_allowed, "Method not allowed."));
        reply.with_header("Allow", matched.allow);
        co_return reply;
    }

    request_context ctx{services_, clock_, {}, {}, admin_mode_, access_.signed_url_key};
    check_headers(req, ctx, services_.limits, who);
    if (found->rule && !access_.policy.allows(*found->rule, who, ctx.project.value())) {
        spdlog::debug("{} {}: 403: {} denied for user \"{}\"", to_string(req.method), req.path,
                      found->target->rule, who.user_id);
        throw error(errc::forbidden, "You are not authorized to complete this action.");
    }
    co_return co_await found->target->handle(ctx, req);
}

net::awaitable<response> router::dispatch(request req) const {
    response reply;
    try {
        reply = co_await handle(req);
    } catch (const error& e) {
        if (e.code() == errc::internal || e.code() == errc::unavailable) {
            spdlog::error("{} {}: {}", to_string(req.method), req.path, e.description());
        }
        reply = error_response(e);
    } catch (const transport_error& e) {
        reply = error_response(e);
    } catch (const std::exception& e) {
        spdlog::error("{} {}: unexpected failure: {}", to_string(req.method), req.path, e.what());
        reply = error_response(error(errc::internal, "An unexpected error occurred."));
    }
    if (req.method != method::options) access_.cors.decorate(req, reply);
    co_return reply;
}

}  // namespace marconi::api
