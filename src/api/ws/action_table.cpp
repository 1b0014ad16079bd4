// Marconi.
#include "api/ws/action_table.hpp"

#include <boost/json/serialize.hpp>
#include <optional>

#include "api/ws/action_steps.hpp"
#include "core/validation.hpp"

namespace marconi::api::ws {

namespace json = boost::json;

std::span<const action_row> action_table() {
    using t = json_type;
    using h = required_headers;
    using m = api::method;
    const field queue{"queue_name", t::string, true};
    const field pool{"pool_name", t::string, true};
    const field flavor{"flavor_name", t::string, true};
    constexpr auto checked = access::checked;
    constexpr auto pre_signed = access::pre_signed;
    constexpr std::string_view q = "/v2/queues/{queue_name}";
    constexpr std::string_view p = "/v2/pools/{pool_name}";
    constexpr std::string_view fl = "/v2/flavors/{flavor_name}";
    // Zaqar's v2 RequestSchema (api/v1/request.py, v1_1, v2), in its order.
    // One row per action, as the schema reads, rather than one field per line:
    // clang-format off
    static const std::vector<action_row> rows{
        {"get_home_doc", h::none, false, {}, checked, m::get, "/v2", steps::get_home_doc},
        {"check_node_health", h::none, false, {}, checked, m::get, "/v2/health",
         steps::check_node_health},
        {"ping_node", h::none, false, {}, checked, m::get, "/v2/ping", steps::ping_node},
        {"authenticate", h::token, false, {}, access::socket, m::other, {}, nullptr},

        {"queue_list", h::client, false,
         {{"marker", t::string}, {"limit", t::integer}, {"detailed", t::boolean}},
         checked, m::get, "/v2/queues", steps::queue_list},
        {"queue_create", h::client, true, {queue}, checked, m::put, q, steps::queue_create},
        {"queue_delete", h::client, true, {queue}, checked, m::delete_, q, steps::queue_delete},
        {"queue_get", h::client, true, {queue}, checked, m::get, q, steps::queue_get},
        {"queue_get_stats", h::client, true, {queue}, checked, m::get,
         "/v2/queues/{queue_name}/stats", steps::queue_get_stats},
        {"queue_purge", h::client, true, {queue, {"resource_types", t::array}}, checked,
         m::post, "/v2/queues/{queue_name}/purge", steps::queue_purge},

        {"message_list", h::client, true,
         {queue, {"marker", t::string}, {"limit", t::integer}, {"echo", t::boolean},
          {"include_claimed", t::boolean}},
         pre_signed, m::get, "/v2/queues/{queue_name}/messages", steps::message_list},
        {"message_get", h::client, true, {queue, {"message_id", t::string, true}}, pre_signed,
         m::get, "/v2/queues/{queue_name}/messages/{message_id}", steps::message_get},
        {"message_get_many", h::client, true, {queue, {"message_ids", t::array, true}},
         pre_signed, m::get, "/v2/queues/{queue_name}/messages", steps::message_get_many},
        {"message_post", h::client, true, {queue, {"messages", t::array, true}}, pre_signed,
         m::post, "/v2/queues/{queue_name}/messages", steps::message_post},
        {"message_delete", h::client, true,
         {queue, {"message_id", t::string, true}, {"claim_id", t::string}}, pre_signed,
         m::delete_, "/v2/queues/{queue_name}/messages/{message_id}", steps::message_delete},
        {"message_delete_many", h::client, true,
         {queue, {"message_ids", t::array}, {"claim_ids", t::array}, {"pop", t::integer}},
         pre_signed, m::delete_, "/v2/queues/{queue_name}/messages",
         steps::message_delete_many},

        {"claim_create", h::client, true,
         {queue, {"limit", t::integer}, {"ttl", t::integer}, {"grace", t::integer}}, checked,
         m::post, "/v2/queues/{queue_name}/claims", steps::claim_create},
        {"claim_get", h::client, true, {queue, {"claim_id", t::string, true}}, checked, m::get,
         "/v2/queues/{queue_name}/claims/{claim_id}", steps::claim_get},
        {"claim_update", h::client, true,
         {queue, {"claim_id", t::string, true}, {"ttl", t::integer}}, checked, m::patch,
         "/v2/queues/{queue_name}/claims/{claim_id}", steps::claim_update},
        {"claim_delete", h::client, true, {queue, {"claim_id", t::string, true}}, checked,
         m::delete_, "/v2/queues/{queue_name}/claims/{claim_id}", steps::claim_delete},

        // Zaqar 15 validates the pool and flavor actions but has no endpoint to run them;
        // here they run their HTTP routes' operations (admin mode and pooling on).
        {"pool_list", h::client, true,
         {pool, {"limit", t::integer}, {"marker", t::string}}, checked, m::get, "/v2/pools",
         steps::pool_list},
        {"pool_create", h::client, true,
         {pool, {"weight", t::integer}, {"uri", t::string}, {"options", t::object}}, checked,
         m::put, p, steps::pool_create},
        {"pool_update", h::client, true,
         {pool, {"weight", t::integer}, {"uri", t::string}, {"options", t::object}}, checked,
         m::patch, p, steps::pool_update},
        {"pool_get", h::client, true, {pool, {"detailed", t::boolean}}, checked, m::get, p,
         steps::pool_get},
        {"pool_delete", h::client, true, {pool}, checked, m::delete_, p, steps::pool_delete},
        {"flavor_list", h::client, true,
         {flavor, {"limit", t::integer}, {"marker", t::string}}, checked, m::get, "/v2/flavors",
         steps::flavor_list},
        {"flavor_create", h::client, true,
         {flavor, {"pool_name", t::string, true}, {"capabilities", t::object}}, checked,
         m::put, fl, steps::flavor_create},
        {"flavor_update", h::client, true,
         {flavor, {"pool_name", t::string}, {"capabilities", t::object}}, checked, m::patch,
         fl, steps::flavor_update},
        {"flavor_get", h::client, true, {flavor, {"detailed", t::boolean}}, checked, m::get, fl,
         steps::flavor_get},
        {"flavor_delete", h::client, true, {flavor}, checked, m::delete_, fl,
         steps::flavor_delete},

        {"subscription_list", h::client, true, {queue}, checked, m::get,
         "/v2/queues/{queue_name}/subscriptions", steps::subscription_list},
        {"subscription_create", h::client, true,
         {queue, {"subscriber", t::string}, {"ttl", t::integer}, {"options", t::object}},
         checked, m::post, "/v2/queues/{queue_name}/subscriptions", steps::subscription_create},
        {"subscription_delete", h::client, true, {queue, {"subscription_id", t::string, true}},
         checked, m::delete_, "/v2/queues/{queue_name}/subscriptions/{subscription_id}",
         steps::subscription_delete},
        {"subscription_get", h::client, true, {queue, {"subscription_id", t::string, true}},
         checked, m::get, "/v2/queues/{queue_name}/subscriptions/{subscription_id}",
         steps::subscription_get},
    };
    // clang-format on
    return rows;
}

const action_row* find_action(std::string_view name) {
    for (const auto& row : action_table()) {
        if (row.name == name) return &row;
    }
    return nullptr;
}

namespace {

/// jsonschema Draft 4 types: a boolean is no integer, nor is 1.0.
bool has_type(const json::value& v, json_type type) {
    switch (type) {
        case json_type::string: return v.is_string();
        case json_type::integer: return v.is_int64() || v.is_uint64();
        case json_type::boolean: return v.is_bool();
        case json_type::array: return v.is_array();
        case json_type::object: return v.is_object();
    }
    return false;
}

bool valid_headers(const json::value* headers, const action_row& row) {
    if (!headers) return false;  // every action requires them
    if (!headers->is_object()) return false;
    const auto& h = headers->get_object();
    for (std::string_view name :
         {"User-Agent", "Date", "Accept", "Client-ID", "X-Project-ID", "X-Auth-Token"}) {
        if (const auto* v = h.if_contains(name); v && !v->is_string()) return false;
    }
    switch (row.headers) {
        case required_headers::none: return true;
        case required_headers::client: return h.contains("X-Project-ID") && h.contains("Client-ID");
        case required_headers::token:
            return h.contains("X-Project-ID") && h.contains("X-Auth-Token");
    }
    return false;
}

bool valid_body(const json::value* body, const action_row& row) {
    if (!body) return !row.body_required;
    if (row.body.empty()) return true;  // no declared body: anything goes
    if (!body->is_object()) return false;
    const auto& b = body->get_object();
    for (const auto& f : row.body) {
        const auto* v = b.if_contains(f.name);
        if (!v) {
            if (f.required) return false;
            continue;
        }
        if (!has_type(*v, f.type)) return false;
    }
    return true;
}

/// How Python prints the action Zaqar failed to find: None for a missing one.
std::string python_repr(const json::value* action) {
    if (!action || action->is_null()) return "None";
    if (action->is_string()) return std::string(action->get_string());
    if (action->is_bool()) return action->get_bool() ? "True" : "False";
    return json::serialize(*action);
}

/// Calls `visit(name)` for each `{name}` segment of `route`, and `literal(text)` between them.
template <class Literal, class Visit>
void walk_route(std::string_view route, Literal literal, Visit visit) {
    while (!route.empty()) {
        const auto open = route.find('{');
        if (open == std::string_view::npos) {
            literal(route);
            return;
        }
        literal(route.substr(0, open));
        const auto close = route.find('}', open);
        visit(route.substr(open + 1, close - open - 1));
        route.remove_prefix(close + 1);
    }
}

}  // namespace

std::optional<reply> check_frame(const json::object& payload) {
    const auto* action = payload.if_contains("action");
    const auto* row = action && action->is_string() ? find_action(action->get_string()) : nullptr;
    if (!row) return error_reply(400, python_repr(action) + " is not a valid action");
    if (!valid_headers(payload.if_contains("headers"), *row) ||
        !valid_body(payload.if_contains("body"), *row)) {
        return error_reply(400, "Schema validation failed.");
    }
    return std::nullopt;
}

std::string route_of(const action_row& row, const frame& f) {
    std::string path;
    walk_route(
        row.route, [&](std::string_view text) { path += text; },
        [&](std::string_view name) { path += text_of(f.body, name); });
    return path;
}

std::optional<reply> bad_segment(const action_row& row, const frame& f) {
    std::optional<reply> bad;
    walk_route(
        row.route, [](std::string_view) {},
        [&](std::string_view name) {
            if (bad) return;
            const auto value = text_of(f.body, name);
            if (!value.empty() && value.find('/') == std::string::npos) return;
            if (name == "queue_name") {
                try {
                    core::validate_queue_name(value);
                } catch (const core::error& e) {
                    bad = error_reply(e);
                    return;
                }
            }
            std::optional<core::errc>
                code;  // none: no route, as for an HTTP path with a bad segment
            if (name == "message_id") code = core::errc::message_not_found;
            if (name == "claim_id") code = core::errc::claim_not_found;
            if (name == "subscription_id") code = core::errc::subscription_not_found;
            bad = code
                      ? error_reply(core::error(*code, "Not found."))
                      : error_reply(transport_error(transport_errc::route_not_found, "Not found."));
        });
    return bad;
}

}  // namespace marconi::api::ws
