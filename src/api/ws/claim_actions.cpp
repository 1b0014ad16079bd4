// Marconi. The claim actions: claim_create, claim_get, claim_update, claim_delete.
#include "api/codec/bodies.hpp"
#include "api/ws/action_args.hpp"
#include "api/ws/action_steps.hpp"
#include "api/ws/message_reply.hpp"

namespace marconi::api::ws::steps {

namespace json = boost::json;

// Named locals, not temporaries, as the co_await'ed calls' arguments (g++ 12).

net::awaitable<reply> claim_create(action_context& ctx, const frame& f) {
    auto queue = queue_arg(ctx, f);
    const auto body = parse_claim_body(body_text(f.body, {"ttl", "grace"}), /*optional_body=*/true);
    const auto limit = int_arg(f.body, "limit");
    const auto claim =
        co_await ctx.services.claims.create(std::move(queue), body.ttl, body.grace, limit);
    if (!claim) co_return reply{204, json::object{{"claim_id", nullptr}}};
    const json::value id = json::string(claim->id.value());
    co_return reply{
        201, json::object{{"claim_id", id},
                          {"messages", format_messages(claim->messages, id, ctx.clock.now())}}};
}

net::awaitable<reply> claim_get(action_context& ctx, const frame& f) {
    auto queue = queue_arg(ctx, f);
    const auto given = text_of(f.body, "claim_id");
    core::claim_id id{given};
    const auto claim = co_await ctx.services.claims.get(std::move(queue), std::move(id));
    const auto now = ctx.clock.now();
    const json::value claim_id = json::string(given);
    auto messages = format_messages(claim.messages, claim_id, now);
    co_return reply{
        200, json::object{
                 {"age", claim.age(now)}, {"ttl", claim.ttl()}, {"messages", std::move(messages)}}};
}

net::awaitable<reply> claim_update(action_context& ctx, const frame& f) {
    auto queue = queue_arg(ctx, f);
    const auto given = text_of(f.body, "claim_id");
    core::claim_id id{given};
    const auto body =
        parse_claim_body(body_text(f.body, {"ttl", "grace"}), /*optional_body=*/false);
    co_await ctx.services.claims.update(std::move(queue), std::move(id), body.ttl, body.grace);
    co_return text_reply(204, "Claim " + given + " updated.");
}

net::awaitable<reply> claim_delete(action_context& ctx, const frame& f) {
    auto queue = queue_arg(ctx, f);
    const auto given = text_of(f.body, "claim_id");
    core::claim_id id{given};
    co_await ctx.services.claims.remove(std::move(queue), std::move(id));
    co_return text_reply(204, "Claim " + given + " deleted.");
}

}  // namespace marconi::api::ws::steps
