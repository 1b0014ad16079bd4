// Marconi. Runs a checked WebSocket frame through its row of the action table: the socket's
// standing (Zaqar's `authenticate`), the same access checks the router applies to HTTP
// (api/http/access.hpp: authentication, URL-Signature, header checks, the policy rule of the
// action's route) and then the row's step. Every failure becomes the reply HTTP would map it
// to. No Beast here.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/router.hpp"
#include "api/ws/action_table.hpp"

namespace marconi::api::ws {

/// What `authenticate` established for a socket.
enum class socket_standing {
    auth_off,         ///< the strategy trusts headers (noauth): no `authenticate` needed
    unauthenticated,  ///< only `authenticate` and pre-signed message actions are served
    authenticated,    ///< its token goes with every later action
};

struct socket_auth {
    socket_standing standing = socket_standing::unauthenticated;
    std::string token;    ///< sent as X-Auth-Token with every later action
    std::string project;  ///< a later action naming another X-Project-ID is refused
    /// When the token expires (Keystone): the socket is closed with 4003 then, as in Zaqar.
    std::optional<time_point> expires;
};

/// Immutable after construction; shared by every socket on every thread. Everything it refers
/// to must outlive it.
class dispatcher {
public:
    /// `routes`: the HTTP route table, whose policy rules and scopes the actions share. Throws
    /// std::invalid_argument when a row's route is not in it or names a rule the policy lacks.
    dispatcher(std::span<const route> routes, core::services& services, const marconi::clock& clock,
               bool admin_mode, access_control access = access_control::trusting());

    /// A new socket's standing: auth_off or unauthenticated.
    socket_auth new_socket() const;

    /// Zaqar's protocol._authenticate: the strategy checks the token and the socket remembers
    /// it. A refusal leaves the socket unauthenticated, whatever an earlier one established.
    net::awaitable<reply> authenticate(const frame& f, socket_auth& auth) const;

    /// How long the socket's authentication lasts from now (zero once it has expired);
    /// nullopt: as long as the socket.
    std::optional<std::chrono::milliseconds> time_left(const socket_auth& auth) const;

    /// Any action but authenticate. `subscriber`: the socket's notification URL.
    net::awaitable<reply> run(const frame& f, const socket_auth& auth,
                              std::string_view subscriber) const;

private:
    struct compiled_row {
        const action_row* row;
        const auth::check* rule;  ///< null: none
        std::string_view rule_name;
        api::scope scope;  ///< its route's (project for the socket's own actions)
    };

    const compiled_row* find(std::string_view action) const;
    net::awaitable<reply> dispatch(const compiled_row& c, const frame& f, const socket_auth& auth,
                                   std::string_view subscriber) const;
    net::awaitable<reply> serve(const compiled_row& c, const frame& f, const request& headers,
                                const auth::identity& who, std::string_view subscriber) const;

    std::vector<compiled_row> rows_;
    core::services& services_;
    const marconi::clock& clock_;
    bool admin_mode_;
    access_control access_;
};

}  // namespace marconi::api::ws
