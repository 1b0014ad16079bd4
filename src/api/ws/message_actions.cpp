// Marconi. The message actions: message_list, message_get, message_get_many, message_post,
// message_delete, message_delete_many.
#include "api/codec/bodies.hpp"
#include "api/codec/error_mapping.hpp"
#include "api/codec/message_deletion.hpp"
#include "api/codec/render.hpp"
#include "api/ws/action_args.hpp"
#include "api/ws/action_steps.hpp"
#include "api/ws/message_reply.hpp"
#include "core/validation.hpp"

namespace marconi::api::ws::steps {

namespace json = boost::json;

// Named locals, not temporaries, as the co_await'ed calls' arguments (g++ 12).

net::awaitable<reply> message_list(action_context& ctx, const frame& f) {
    auto queue = queue_arg(ctx, f);
    core::message_list_options options;
    options.marker = string_arg(f.body, "marker");
    options.limit = int_arg(f.body, "limit").value_or(10);
    options.echo = bool_arg(f.body, "echo").value_or(false);
    options.include_claimed = bool_arg(f.body, "include_claimed").value_or(false);
    options.include_delayed = bool_arg(f.body, "include_delayed").value_or(false);
    options.client = ctx.client;
    const auto page = co_await ctx.services.messages.list(std::move(queue), std::move(options));
    co_return reply{
        200, json::object{{"messages", format_messages(page.messages, nullptr, ctx.clock.now())}}};
}

net::awaitable<reply> message_get(action_context& ctx, const frame& f) {
    auto queue = queue_arg(ctx, f);
    core::message_id id{text_of(f.body, "message_id")};
    const auto found = co_await ctx.services.messages.get(std::move(queue), std::move(id));
    co_return reply{200,
                    json::object{{"messages", format_message(found, nullptr, ctx.clock.now())}}};
}

net::awaitable<reply> message_get_many(action_context& ctx, const frame& f) {
    auto queue = queue_arg(ctx, f);
    const auto name = queue.name.value();
    const auto ids = list_arg(f.body, "message_ids").value_or(std::vector<std::string>{});
    auto wanted = to_message_ids(ids);
    const auto found = co_await ctx.services.messages.get_many(std::move(queue), std::move(wanted));
    if (found.empty()) throw messages_not_found(ids, name, ctx.project.value());
    co_return reply{200,
                    json::object{{"messages", format_messages(found, nullptr, ctx.clock.now())}}};
}

net::awaitable<reply> message_post(action_context& ctx, const frame& f) {
    auto queue = queue_arg(ctx, f);
    // The batch as a POST body carries it: the same checks, and the same size to limit.
    const auto text = body_text(f.body, {"messages"});
    auto batch = parse_message_batch(text);
    const auto ids = co_await ctx.services.messages.post(std::move(queue), ctx.client,
                                                         std::move(batch), text.size());
    json::array listed;
    for (const auto& id : ids) listed.emplace_back(id.value());
    co_return reply{201, json::object{{"message_ids", std::move(listed)}}};
}

net::awaitable<reply> message_delete(action_context& ctx, const frame& f) {
    auto queue = queue_arg(ctx, f);
    core::message_id id{text_of(f.body, "message_id")};
    std::optional<core::claim_id> claim;
    if (auto given = string_arg(f.body, "claim_id")) claim.emplace(std::move(*given));
    co_await ctx.services.messages.remove(std::move(queue), std::move(id), std::move(claim));
    co_return reply{204, json::object{}};
}

net::awaitable<reply> message_delete_many(action_context& ctx, const frame& f) {
    auto queue = queue_arg(ctx, f);
    const auto& limits = ctx.services.limits;
    const auto ids = list_arg(f.body, "message_ids");
    const auto pop = int_arg(f.body, "pop");
    std::optional<std::vector<std::string>> claim_ids;
    if (limits.message_delete_with_claim_id) claim_ids = list_arg(f.body, "claim_ids");
    auto deletion = checked_message_deletion(ids, pop, claim_ids, limits);
    if (deletion.pop) {
        const auto popped = co_await ctx.services.messages.pop(std::move(queue), *deletion.pop);
        co_return reply{200, popped_object(popped, ctx.clock.now())};
    }
    co_await ctx.services.messages.remove_many(std::move(queue), std::move(deletion.ids),
                                               std::move(deletion.claims));
    co_return reply{204, json::object{}};
}

}  // namespace marconi::api::ws::steps
