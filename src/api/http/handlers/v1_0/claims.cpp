// Marconi. /v1/queues/{queue_name}/claims[/{claim_id}] (Zaqar's wsgi/v1_0/claims.py): the
// body is required, and messages show by href alone.
#include "api/codec/bodies.hpp"
#include "api/codec/query.hpp"
#include "api/codec/render.hpp"
#include "api/http/handlers/v1_0/handlers.hpp"
#include "api/http/handlers/v2/handlers.hpp"

namespace marconi::api::v1_0 {

net::awaitable<response> post_claim(request_context& ctx, const request& req) {
    auto target = v2::target_of(v2::queue_traits, ctx, req);
    const auto body = parse_v1_claim_body(req.body, v1_claim_request::create);
    const auto claim = co_await ctx.services.claims.create(
        std::move(target.address), body.ttl, body.grace, int_param(req.query, "limit"));
    if (!claim) co_return response::empty(204);
    co_return response::json(201, render_message_array(claim->messages, target.path,
                                                       ctx.clock.now(), message_form::href_only))
        .with_header("Location", req.path + "/" + claim->id.value());
}

net::awaitable<response> get_claim(request_context& ctx, const request& req) {
    auto target = v2::target_of(v2::queue_traits, ctx, req);
    const auto claim = co_await ctx.services.claims.get(std::move(target.address),
                                                        core::claim_id{req.path_params.at(1)});
    co_return response::json(
        200, render_claim(claim, target.path, ctx.clock.now(), message_form::href_only));
}

net::awaitable<response> patch_claim(request_context& ctx, const request& req) {
    auto queue = v2::queue_of(ctx, req);
    const auto body = parse_v1_claim_body(req.body, v1_claim_request::update);
    co_await ctx.services.claims.update(std::move(queue), core::claim_id{req.path_params.at(1)},
                                        body.ttl, body.grace);
    co_return response::empty(204);
}

}  // namespace marconi::api::v1_0
