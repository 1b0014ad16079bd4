// Marconi. The pool and flavor actions: pool_list, pool_create, pool_update, pool_get,
// pool_delete, flavor_list, flavor_create, flavor_update, flavor_get, flavor_delete. Zaqar 15
// validates these frames but has no endpoint for them; here each does what its HTTP route does
// (admin mode, pooling on, the route's policy rule) and answers with that route's body.
#include <boost/json/serialize.hpp>

#include "api/codec/admin_bodies.hpp"
#include "api/codec/admin_render.hpp"
#include "api/ws/action_args.hpp"
#include "api/ws/action_steps.hpp"
#include "core/validation.hpp"

namespace marconi::api::ws::steps {

namespace json = boost::json;

namespace {

// The rows' routes are pooling routes: the dispatcher serves them only when the service exists.
core::pool_service& pools_of(action_context& ctx) { return *ctx.services.pools; }

/// Every body field but `name_field` (the path segment): what the HTTP body would carry.
std::string body_without(const json::object& body, std::string_view name_field) {
    json::object rest;
    for (const auto& field : body) {
        if (field.key() != name_field) rest.insert_or_assign(field.key(), field.value());
    }
    return json::serialize(rest);
}

/// A flavor's pools: `pool_list` as in the HTTP body, or else the one pool `pool_name` names
/// (the field Zaqar's frame schema declares).
std::string flavor_pools_body(const json::object& body) {
    if (body.contains("pool_list")) return body_text(body, {"pool_list", "capabilities"});
    if (const auto pool = string_arg(body, "pool_name")) {
        return json::serialize(json::object{{"pool_list", json::array{json::value(*pool)}}});
    }
    return "{}";
}

}  // namespace

net::awaitable<reply> pool_list(action_context& ctx, const frame& f) {
    auto marker = string_arg(f.body, "marker");
    const auto limit = int_arg(f.body, "limit").value_or(10);
    core::validate_pool_list_limit(limit, ctx.services.limits);
    const bool detailed = bool_arg(f.body, "detailed").value_or(false);
    const auto page = co_await pools_of(ctx).list_pools(std::move(marker), limit);
    json::array items;
    for (const auto& pool : page) items.push_back(render_pool(pool, detailed));
    co_return reply{200, json::object{{"pools", std::move(items)}}};
}

net::awaitable<reply> pool_create(action_context& ctx, const frame& f) {
    auto name = text_of(f.body, "pool_name");
    auto input = parse_pool_create(body_without(f.body, "pool_name"));
    const auto answer = "Pool " + name + " created.";
    co_await pools_of(ctx).create_pool(std::move(name), std::move(input));
    co_return text_reply(201, answer);
}

net::awaitable<reply> pool_update(action_context& ctx, const frame& f) {
    auto patch = parse_pool_patch(body_without(f.body, "pool_name"));
    auto name = text_of(f.body, "pool_name");
    const auto pool = co_await pools_of(ctx).update_pool(std::move(name), std::move(patch));
    co_return reply{200, render_pool(pool, false)};
}

net::awaitable<reply> pool_get(action_context& ctx, const frame& f) {
    const bool detailed = bool_arg(f.body, "detailed").value_or(false);
    auto name = text_of(f.body, "pool_name");
    const auto pool = co_await pools_of(ctx).get_pool(std::move(name));
    co_return reply{200, render_pool(pool, detailed)};
}

net::awaitable<reply> pool_delete(action_context& ctx, const frame& f) {
    auto name = text_of(f.body, "pool_name");
    const auto answer = "Pool " + name + " removed.";
    co_await pools_of(ctx).delete_pool(std::move(name));
    co_return text_reply(204, answer);
}

net::awaitable<reply> flavor_list(action_context& ctx, const frame& f) {
    auto marker = string_arg(f.body, "marker");
    const auto limit = int_arg(f.body, "limit").value_or(10);
    core::validate_flavor_list_limit(limit, ctx.services.limits);
    const bool detailed = bool_arg(f.body, "detailed").value_or(false);
    const auto page =
        co_await pools_of(ctx).list_flavors(ctx.project, std::move(marker), limit, detailed);
    json::array items;
    for (const auto& flavor : page) items.push_back(render_flavor_item(flavor, detailed));
    co_return reply{200, json::object{{"flavors", std::move(items)}}};
}

net::awaitable<reply> flavor_create(action_context& ctx, const frame& f) {
    auto name = text_of(f.body, "flavor_name");
    auto pool_list = parse_flavor_create(flavor_pools_body(f.body));
    const auto answer = "Flavor " + name + " created.";
    co_await pools_of(ctx).put_flavor(ctx.project, std::move(name), std::move(pool_list));
    co_return text_reply(201, answer);
}

net::awaitable<reply> flavor_update(action_context& ctx, const frame& f) {
    auto name = text_of(f.body, "flavor_name");
    auto pool_list = parse_flavor_patch(flavor_pools_body(f.body));
    const auto flavor =
        co_await pools_of(ctx).patch_flavor(ctx.project, std::move(name), std::move(pool_list));
    co_return reply{200, render_flavor(flavor)};
}

net::awaitable<reply> flavor_get(action_context& ctx, const frame& f) {
    auto name = text_of(f.body, "flavor_name");
    const auto flavor = co_await pools_of(ctx).get_flavor(ctx.project, std::move(name));
    co_return reply{200, render_flavor(flavor)};
}

net::awaitable<reply> flavor_delete(action_context& ctx, const frame& f) {
    auto name = text_of(f.body, "flavor_name");
    const auto answer = "Flavor " + name + " removed.";
    co_await pools_of(ctx).delete_flavor(ctx.project, std::move(name));
    co_return text_reply(204, answer);
}

}  // namespace marconi::api::ws::steps
