// Marconi.
#include "api/http/router.hpp"

#include <boost/container/small_vector.hpp>
#include <spdlog/spdlog.h>

#include "api/codec/error_mapping.hpp"
#include "core/error.hpp"
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

/// Zaqar's before-hooks, in its order (spec §1.2): Content-Type, Accept, Client-ID, project.
void check_headers(const request& req, request_context& ctx, const core::limits& limits) {
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
            throw error(errc::not_acceptable,
                        "Endpoint only serves `application/json`; specify client-side media "
                        "type support with the \"Accept\" header.");
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

    const auto project = req.header("X-Project-ID");
    core::validate_project_id(project);
    ctx.project = core::project_id{std::string(*project)};
}

}  // namespace

router::router(std::span<const route> routes, core::services& services, const marconi::clock& clock,
               bool admin_mode)
    : services_(services), clock_(clock), admin_mode_(admin_mode) {
    for (const auto& r : routes) {
        if (r.scope == scope::admin && !admin_mode) continue;
        const auto segments = split_path(r.path_template);
        routes_.push_back(compiled_route{&r, {segments.begin(), segments.end()}});
    }
}

const route& router::match(request& req, std::string& allow) const {
    const auto segments = split_path(req.path);
    const route* found = nullptr;
    for (const auto& candidate : routes_) {
        if (candidate.segments.size() != segments.size()) continue;
        bool same_shape = true;
        for (std::size_t i = 0; i < segments.size() && same_shape; ++i) {
            same_shape =
                is_parameter(candidate.segments[i]) || candidate.segments[i] == segments[i];
        }
        if (!same_shape) continue;
        if (candidate.target->method == req.method) {
            found = candidate.target;
            req.path_params.clear();
            for (std::size_t i = 0; i < segments.size(); ++i) {
                if (is_parameter(candidate.segments[i])) req.path_params.emplace_back(segments[i]);
            }
            break;
        }
        if (!allow.empty()) allow += ", ";
        allow += to_string(candidate.target->method);
    }
    if (found) return *found;
    if (!allow.empty()) throw error(errc::method_not_allowed, "Method not allowed.");
    throw error(errc::route_not_found, "The requested resource could not be found.");
}

net::awaitable<response> router::handle(request& req) const {
    std::string allow;
    const route* target = nullptr;
    try {
        target = &match(req, allow);
    } catch (const error& e) {
        auto reply = error_response(e);
        if (e.code() == errc::method_not_allowed) reply.with_header("Allow", allow);
        co_return reply;
    }
    request_context ctx{services_, clock_, {}, {}, admin_mode_};
    if (target->scope != scope::open) check_headers(req, ctx, services_.limits);
    co_return co_await target->handle(ctx, req);
}

net::awaitable<response> router::dispatch(request req) const {
    try {
        co_return co_await handle(req);
    } catch (const error& e) {
        if (e.code() == errc::internal || e.code() == errc::unavailable) {
            spdlog::error("{} {}: {}", to_string(req.method), req.path, e.description());
        }
        co_return error_response(e);
    } catch (const std::exception& e) {
        spdlog::error("{} {}: unexpected failure: {}", to_string(req.method), req.path, e.what());
        co_return error_response(error(errc::internal, "An unexpected error occurred."));
    }
}

}  // namespace marconi::api
