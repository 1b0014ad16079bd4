// Marconi. /v2/flavors and /v2/flavors/{flavor_name} (pooling on; changes are admin-only).
#include <boost/json/serialize.hpp>

#include "api/codec/admin_bodies.hpp"
#include "api/codec/admin_render.hpp"
#include "api/codec/query.hpp"
#include "api/http/handlers/v2/handlers.hpp"
#include "core/validation.hpp"

namespace marconi::api::v2 {

namespace json = boost::json;

net::awaitable<response> list_flavors(request_context& ctx, const request& req) {
    auto marker = string_param(req.query, "marker");
    const auto limit = int_param(req.query, "limit").value_or(10);
    core::validate_flavor_list_limit(limit, ctx.services.limits);
    const auto detailed = bool_param(req.query, "detailed");
    const auto page =
        co_await pools_of(ctx).list_flavors(ctx.project, marker, limit, detailed.value_or(false));
    json::array items;
    for (const auto& flavor : page) {
        items.push_back(render_flavor_item(flavor, detailed.value_or(false), ctx.version));
    }
    auto links = admin_listing_links(std::string(root_of(ctx.version)) + "/flavors",
                                     page.empty() ? nullptr : &page.back().name, limit, detailed);
    json::object body{{"flavors", std::move(items)}, {"links", std::move(links)}};
    co_return response::json(200, json::serialize(body));
}

net::awaitable<response> put_flavor(request_context& ctx, const request& req) {
    auto name = req.path_params.at(0);
    auto pool_list = parse_flavor_create(req.body);
    const auto location = flavor_path(name, ctx.version);
    co_await pools_of(ctx).put_flavor(ctx.project, std::move(name), std::move(pool_list));
    co_return response::empty(201).with_header("Location", location);
}

net::awaitable<response> get_flavor(request_context& ctx, const request& req) {
    auto flavor = co_await pools_of(ctx).get_flavor(ctx.project, req.path_params.at(0));
    co_return response::json(200, json::serialize(render_flavor(flavor, ctx.version)));
}

net::awaitable<response> patch_flavor(request_context& ctx, const request& req) {
    auto pool_list = parse_flavor_patch(req.body);
    auto flavor = co_await pools_of(ctx).patch_flavor(ctx.project, req.path_params.at(0),
                                                      std::move(pool_list));
    co_return response::json(200, json::serialize(render_flavor(flavor, ctx.version)));
}

net::awaitable<response> delete_flavor(request_context& ctx, const request& req) {
    co_await pools_of(ctx).delete_flavor(ctx.project, req.path_params.at(0));
    co_return response::empty(204);
}

}  // namespace marconi::api::v2
