// Marconi. /v2/pools and /v2/pools/{pool_name} (admin, pooling on).
#include <boost/json/serialize.hpp>

#include "api/codec/admin_bodies.hpp"
#include "api/codec/admin_render.hpp"
#include "api/codec/query.hpp"
#include "api/http/handlers/v2/handlers.hpp"
#include "core/validation.hpp"

namespace marconi::api::v2 {

namespace json = boost::json;

core::pool_service& pools_of(request_context& ctx) {
    // The routes are registered only when pooling is on, so the service exists.
    return *ctx.services.pools;
}

json::array admin_listing_links(std::string_view collection_path, const std::string* last,
                                std::int64_t limit, std::optional<bool> detailed) {
    json::array links;
    if (!last) return links;
    std::string href =
        std::string{collection_path} + "?marker=" + *last + "&limit=" + std::to_string(limit);
    if (detailed) href += *detailed ? "&detailed=true" : "&detailed=false";
    links.push_back(json::object{{"rel", "next"}, {"href", href}});
    return links;
}

net::awaitable<response> list_pools(request_context& ctx, const request& req) {
    auto marker = string_param(req.query, "marker");
    const auto limit = int_param(req.query, "limit").value_or(10);
    core::validate_pool_list_limit(limit, ctx.services.limits);
    const auto detailed = bool_param(req.query, "detailed");
    const auto page = co_await pools_of(ctx).list_pools(marker, limit);

    json::array items;
    for (const auto& pool : page) {
        items.push_back(render_pool(pool, detailed.value_or(false), ctx.version));
    }
    auto links = admin_listing_links(std::string(root_of(ctx.version)) + "/pools",
                                     page.empty() ? nullptr : &page.back().name, limit, detailed);
    json::object body{{"pools", std::move(items)}, {"links", std::move(links)}};
    co_return response::json(200, json::serialize(body));
}

net::awaitable<response> put_pool(request_context& ctx, const request& req) {
    auto name = req.path_params.at(0);
    auto input = parse_pool_create(req.body);
    const auto location = pool_path(name, ctx.version);
    co_await pools_of(ctx).create_pool(std::move(name), std::move(input));
    co_return response::empty(201).with_header("Location", location);
}

net::awaitable<response> get_pool(request_context& ctx, const request& req) {
    const bool detailed = bool_param(req.query, "detailed").value_or(false);
    auto pool = co_await pools_of(ctx).get_pool(req.path_params.at(0));
    co_return response::json(200, json::serialize(render_pool(pool, detailed, ctx.version)));
}

net::awaitable<response> patch_pool(request_context& ctx, const request& req) {
    auto patch = parse_pool_patch(req.body);
    auto pool = co_await pools_of(ctx).update_pool(req.path_params.at(0), std::move(patch));
    co_return response::json(200, json::serialize(render_pool(pool, false, ctx.version)));
}

net::awaitable<response> delete_pool(request_context& ctx, const request& req) {
    co_await pools_of(ctx).delete_pool(req.path_params.at(0));
    co_return response::empty(204);
}

}  // namespace marconi::api::v2
