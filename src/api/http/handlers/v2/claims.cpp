// Marconi. /v2/queues/{queue_name}/claims[/{claim_id}].
#include "api/codec/bodies.hpp"
#include "api/codec/query.hpp"
#include "api/codec/render.hpp"
#include "api/http/handlers/v2/handlers.hpp"

namespace marconi::api::v2 {

net::awaitable<response> post_claim(request_context& ctx, const request& req) {
    auto queue = queue_of(ctx, req);
    const auto path = queue_path(queue.name, ctx.version);
    const auto body = parse_claim_body(req.body, /*optional_body=*/true);
    const auto claim = co_await ctx.services.claims.create(std::move(queue), body.ttl, body.grace,
                                                           int_param(req.query, "limit"));
    if (!claim) co_return response::empty(204);
    co_return response::json(201, render_messages(claim->messages, path, ctx.clock.now()))
        .with_header("Location", path + "/claims/" + claim->id.value());
}

net::awaitable<response> get_claim(request_context& ctx, const request& req) {
    auto queue = queue_of(ctx, req);
    const auto path = queue_path(queue.name, ctx.version);
    const auto claim =
        co_await ctx.services.claims.get(std::move(queue), core::claim_id{req.path_params.at(1)});
    co_return response::json(200, render_claim(claim, path, ctx.clock.now()));
}

net::awaitable<response> patch_claim(request_context& ctx, const request& req) {
    auto queue = queue_of(ctx, req);
    const auto body = parse_claim_body(req.body, /*optional_body=*/false);
    co_await ctx.services.claims.update(std::move(queue), core::claim_id{req.path_params.at(1)},
                                        body.ttl, body.grace);
    co_return response::empty(204);
}

net::awaitable<response> delete_claim(request_context& ctx, const request& req) {
    co_await ctx.services.claims.remove(queue_of(ctx, req), core::claim_id{req.path_params.at(1)});
    co_return response::empty(204);
}

}  // namespace marconi::api::v2
