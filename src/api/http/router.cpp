// Marconi.
#include "api/http/router.hpp"

#include <boost/container/small_vector.hpp>
#include <spdlog/spdlog.h>

#include "api/codec/error_mapping.hpp"
#include "auth/noauth.hpp"

namespace marconi::api {

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

}  // namespace

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
        if (!is_served(r.scope, admin_mode, services.pools != nullptr)) continue;
        const auth::check* rule = nullptr;
        if (!r.rule.empty()) {
            rule = access_.policy.find(r.rule);
            if (!rule) {
                throw std::invalid_argument("route " + std::string(to_string(r.method)) + " " +
                                            std::string(r.path_template) +
                                            " names an unknown policy rule " + std::string(r.rule));
            }
        }
        served_.add(r.version);
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
        request_context ctx{services_, clock_, {}, {}, admin_mode_, {}, found->target->version,
                            served_};
        co_return co_await found->target->handle(ctx, req);
    }

    // A pre-signed request is checked first and instead of authentication (Zaqar's
    // SignedHeadersAuth skips keystone for it); any failure is a bare 404.
    if (req.header("URL-Signature")) {
        if (check_signature(access_.signed_url_key, req, to_string(req.method), req.path,
                            clock_.now()) == signature_check::refused) {
            co_return response::empty(404);
        }
        // Only what was signed: the project. Roles and user headers are not trusted here
        // (Zaqar copies X-Roles from such a request into its policy context).
        const auth::identity signed_who;
        co_return co_await authorized(req, matched, signed_who);
    }

    // Authentication comes first, as Zaqar's auth middleware wraps the whole application:
    // without credentials even a wrong path answers 401.
    reject_repeated_credentials(req);
    auto checked = co_await authenticate(access_.authenticator, credentials_of(req));
    if (checked.result == authentication::unavailable) throw identity_unavailable_error();
    if (checked.result == authentication::refused) {
        spdlog::debug("{} {}: 401", to_string(req.method), req.path);
        auto reply = error_response(unauthenticated_error());
        if (const auto challenge = access_.authenticator.challenge(); !challenge.empty()) {
            reply.with_header("WWW-Authenticate", std::string(challenge));
        }
        co_return reply;
    }
    co_return co_await authorized(req, matched, checked.who);
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

    auto scope = check_headers(req, services_.limits, who, found->target->version);
    request_context ctx{services_,
                        clock_,
                        std::move(scope.project),
                        std::move(scope.client),
                        admin_mode_,
                        access_.signed_url_key,
                        found->target->version,
                        served_};
    ctx.trustor = trustor_of(req, who, access_.authenticator);
    if (found->rule) {
        enforce_policy(access_.policy, *found->rule, found->target->rule, who, ctx.project.value());
    }
    co_return co_await found->target->handle(ctx, req);
}

net::awaitable<response> router::dispatch(request req) const {
    response reply;
    try {
        reply = co_await handle(req);
    } catch (...) {
        reply = error_response(
            current_error_answer(std::string(to_string(req.method)) + " " + req.path));
    }
    if (req.method != method::options) access_.cors.decorate(req, reply);
    co_return reply;
}

}  // namespace marconi::api
