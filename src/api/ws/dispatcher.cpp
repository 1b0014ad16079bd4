// Marconi.
#include "api/ws/dispatcher.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "api/http/access.hpp"
#include "api/ws/action_args.hpp"

namespace marconi::api::ws {

namespace json = boost::json;

namespace {

bool same_name(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

/// The frame's headers as the header list the access checks read. URL-Paths and URL-Methods
/// come as lists, as /share answered them: comma-separated text, as over HTTP. An
/// authenticated socket's own token replaces any the frame carries.
request header_request(const frame& f, const socket_auth& auth) {
    request req;
    for (const auto& [name, value] : f.headers) {
        if (value.is_string()) {
            req.headers.emplace_back(name, value.get_string());
        } else if (value.is_array()) {
            std::string joined;
            for (const auto& item : value.get_array()) {
                if (!joined.empty()) joined += ',';
                joined += text_arg(item);
            }
            req.headers.emplace_back(name, std::move(joined));
        }
    }
    if (auth.standing == socket_standing::authenticated) {
        std::erase_if(req.headers,
                      [](const auto& h) { return same_name(h.first, "X-Auth-Token"); });
        req.headers.emplace_back("X-Auth-Token", auth.token);
    }
    return req;
}

reply authentified() { return reply{200, json::object{{"message", "Authentified."}}}; }

/// What Zaqar answers an unauthenticated socket's other actions.
reply not_authentified() { return error_reply(403, "Not authentified."); }

}  // namespace

dispatcher::dispatcher(std::span<const route> routes, core::services& services,
                       const marconi::clock& clock, bool admin_mode, access_control access)
    : services_(services), clock_(clock), admin_mode_(admin_mode), access_(access) {
    for (const auto& row : action_table()) {
        compiled_row c{&row, nullptr, {}, scope::project};
        if (!row.route.empty()) {
            const auto it = std::find_if(routes.begin(), routes.end(), [&](const route& r) {
                return r.method == row.method && r.path_template == row.route;
            });
            if (it == routes.end()) {
                throw std::invalid_argument("websocket action " + std::string(row.name) +
                                            " names no route " + std::string(row.route));
            }
            c.scope = it->scope;
            c.rule_name = it->rule;
            if (!it->rule.empty()) {
                c.rule = access_.policy.find(it->rule);
                if (!c.rule) {
                    throw std::invalid_argument("websocket action " + std::string(row.name) +
                                                " names an unknown policy rule " +
                                                std::string(it->rule));
                }
            }
        }
        rows_.push_back(c);
    }
}

const dispatcher::compiled_row* dispatcher::find(std::string_view action) const {
    for (const auto& c : rows_) {
        if (c.row->name == action) return &c;
    }
    return nullptr;
}

socket_auth dispatcher::new_socket() const {
    socket_auth auth;
    if (access_.authenticator.verification_mode() == auth::verification::trusts_headers) {
        auth.standing = socket_standing::auth_off;
    }
    return auth;
}

net::awaitable<reply> dispatcher::authenticate(const frame& f, socket_auth& auth) const {
    if (auth.standing == socket_standing::auth_off) co_return authentified();
    auth = socket_auth{};
    auth::request_credentials creds;
    creds.token = text_of(f.headers, "X-Auth-Token");
    const auto checked = co_await api::authenticate(access_.authenticator, std::move(creds));
    if (checked.result == authentication::unavailable) {
        co_return error_reply(503, "Authentication failed.");
    }
    if (checked.result == authentication::refused) {
        co_return error_reply(401, "Authentication failed.");
    }
    const auto project = text_of(f.headers, "X-Project-ID");
    const auto& bound = checked.who.project_id;
    if (bound && !project.empty() && project != *bound) {
        // The error an HTTP request with these headers gets, rather than a socket whose
        // every later frame is refused.
        co_return error_reply(project_mismatch_error());
    }
    auth.standing = socket_standing::authenticated;
    auth.token = text_of(f.headers, "X-Auth-Token");
    auth.project = bound.value_or(project);
    auth.expires = checked.who.expires;
    co_return authentified();
}

std::optional<std::chrono::milliseconds> dispatcher::time_left(const socket_auth& auth) const {
    if (!auth.expires) return std::nullopt;
    return std::max(*auth.expires - clock_.now(), std::chrono::milliseconds::zero());
}

net::awaitable<reply> dispatcher::run(const frame& f, const socket_auth& auth,
                                      std::string_view subscriber) const {
    const auto* c = find(f.action);
    if (!c || c->row->kind == access::socket) {
        // check_frame() let it through, and authenticate is the socket's (authenticate()).
        co_return error_reply(400, f.action + " is not a valid action");
    }
    try {
        co_return co_await dispatch(*c, f, auth, subscriber);
    } catch (...) {
        co_return error_reply(current_error_answer("websocket " + f.action));
    }
}

net::awaitable<reply> dispatcher::dispatch(const compiled_row& c, const frame& f,
                                           const socket_auth& auth,
                                           std::string_view subscriber) const {
    const auto& row = *c.row;
    const auto now = clock_.now();
    if (auth.standing == socket_standing::unauthenticated) {
        // Zaqar serves the message actions of a pre-signed frame without authentication.
        if (!f.headers.contains("URL-Signature") || row.kind != access::pre_signed) {
            co_return not_authentified();
        }
        if (auto refused = bad_segment(row, f)) co_return *refused;
        const auto headers = header_request(f, auth);
        if (check_signature(access_.signed_url_key, headers, to_string(row.method),
                            route_of(row, f), now) == signature_check::refused) {
            co_return not_authentified();
        }
        const auth::identity signed_who;  // only what was signed: the project
        co_return co_await serve(c, f, headers, signed_who, {});
    }
    if (auth.standing == socket_standing::authenticated &&
        text_of(f.headers, "X-Project-ID") != auth.project) {
        co_return error_reply(403, "Not authenticated.");
    }
    if (auto refused = bad_segment(row, f)) co_return *refused;
    const auto headers = header_request(f, auth);
    if (headers.header("URL-Signature")) {
        // As over HTTP, a pre-signed request is checked instead of authenticated; a
        // signature that does not grant it is HTTP's bare 404.
        if (check_signature(access_.signed_url_key, headers, to_string(row.method),
                            route_of(row, f), now) == signature_check::refused) {
            co_return reply{404, json::object{{"error", nullptr}}};
        }
        const auth::identity signed_who;
        co_return co_await serve(c, f, headers, signed_who, subscriber);
    }
    reject_repeated_credentials(headers);
    const auto checked = co_await api::authenticate(access_.authenticator, credentials_of(headers));
    if (checked.result == authentication::unavailable) throw identity_unavailable_error();
    if (checked.result == authentication::refused) co_return error_reply(unauthenticated_error());
    co_return co_await serve(c, f, headers, checked.who, subscriber);
}

net::awaitable<reply> dispatcher::serve(const compiled_row& c, const frame& f,
                                        const request& headers, const auth::identity& who,
                                        std::string_view subscriber) const {
    if (!is_served(c.scope, admin_mode_, services_.pools != nullptr)) {
        throw transport_error(transport_errc::route_not_found,
                              "The requested resource could not be found.");
    }
    auto scope = check_headers(headers, services_.limits, who);
    if (c.rule) enforce_policy(access_.policy, *c.rule, c.rule_name, who, scope.project.value());
    action_context ctx{services_,   clock_,    std::move(scope.project), std::move(scope.client),
                       admin_mode_, subscriber};
    ctx.trustor = trustor_of(headers, who, access_.authenticator);
    co_return co_await c.row->run(ctx, f);
}

}  // namespace marconi::api::ws
