// Marconi. Zaqar's WebSocket actions (spec section 9, zaqar/api/v2) as one table: per action
// its frame schema (Zaqar's RequestSchema), its policy rule, the route a pre-signed URL must
// grant, and the step that maps the frame to a core service call and renders the reply as
// Zaqar's endpoints.py does. No Beast here.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "api/http/message.hpp"
#include "api/ws/frame.hpp"
#include "common/clock.hpp"
#include "core/services.hpp"
#include "core/trusts.hpp"
#include "storage/contract/ids.hpp"

namespace marconi::api::ws {

namespace net = boost::asio;

enum class json_type { string, integer, boolean, array, object };

/// One declared property of an action's body (jsonschema Draft 4 types).
struct field {
    std::string_view name;
    json_type type;
    bool required = false;
};

/// The headers an action's schema requires besides the declared types.
enum class required_headers {
    none,    ///< get_home_doc, check_node_health, ping_node
    client,  ///< X-Project-ID and Client-ID
    token,   ///< X-Project-ID and X-Auth-Token (authenticate)
};

/// What a step may use: the services, and who the frame acts as after the access checks.
/// Lives on the dispatching coroutine's frame for one action.
struct action_context {
    core::services& services;
    const marconi::clock& clock;
    core::project_id project;
    core::client_id client;
    bool admin_mode = false;
    /// The socket's own notification URL: subscription_create's default subscriber.
    std::string_view subscriber = {};
    /// The Keystone caller, for the trust of a trust+ subscriber (as request_context's).
    std::optional<core::trustor> trustor = std::nullopt;
};

/// Maps the frame's body to one core service call's arguments (with the HTTP handlers'
/// validation), makes the call and renders its result. Throws core::error.
using action_step = net::awaitable<reply> (*)(action_context&, const frame&);

/// Where an action stands in Marconi's access model.
enum class access {
    socket,      ///< authenticate: the socket's own business
    checked,     ///< authentication, Zaqar's header checks, then its route's policy rule
    pre_signed,  ///< as checked; an unauthenticated socket may use a good URL-Signature
};

struct action_row {
    std::string_view name;
    required_headers headers;
    bool body_required;       ///< 'body' is in the frame's required keys
    std::vector<field> body;  ///< the body's declared properties
    access kind;
    /// The route of the same operation in the HTTP route table (v2_routes()): its policy
    /// rule and scope apply to the action too, and a URL-Signature must grant it (signatures
    /// are made over paths). Its `{name}` segments are the body's fields that name a
    /// resource, each checked to be one path segment before anything else.
    api::method method;
    std::string_view route;
    action_step run;  ///< null only for authenticate, which the socket handles itself
};

/// Every action Zaqar 15's v2 RequestSchema knows, in its order.
std::span<const action_row> action_table();

/// The row of `name`, or nullptr.
const action_row* find_action(std::string_view name);

/// Zaqar's RequestSchema: an unknown action is 400 "<action> is not a valid action", a frame
/// that does not fit the action's schema 400 "Schema validation failed.". nullopt: valid.
std::optional<reply> check_frame(const boost::json::object& payload);

/// `row.route` with the body's fields in place of its `{name}` segments.
std::string route_of(const action_row& row, const frame& f);

/// A `{name}` field that cannot be one path segment (empty, or with a '/'): the error the
/// matching HTTP route gives. nullopt: every one is fine.
std::optional<reply> bad_segment(const action_row& row, const frame& f);

}  // namespace marconi::api::ws
