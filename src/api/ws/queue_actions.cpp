// Marconi. The queue actions: queue_list, queue_create, queue_delete, queue_get,
// queue_get_stats, queue_purge.
#include <boost/json/serialize.hpp>
#include <algorithm>

#include "api/codec/bodies.hpp"
#include "api/codec/render.hpp"
#include "api/ws/action_args.hpp"
#include "api/ws/action_steps.hpp"
#include "core/validation.hpp"

namespace marconi::api::ws::steps {

namespace json = boost::json;

// Named locals, not temporaries, as the co_await'ed calls' arguments (g++ 12).

net::awaitable<reply> queue_list(action_context& ctx, const frame& f) {
    core::queue_list_options options;
    options.marker = string_arg(f.body, "marker");
    options.limit = int_arg(f.body, "limit").value_or(10);
    core::validate_queue_list_limit(options.limit, ctx.services.limits);
    const bool detailed = bool_arg(f.body, "detailed").value_or(false);
    auto& queues = ctx.services.queues;
    const auto page = co_await queues.list(ctx.project, std::move(options));
    json::array items;
    for (const auto& record : page) {
        const auto shown = detailed ? queues.shown_metadata(record) : json::object{};
        items.push_back(listing_item(record, "queues", detailed ? &shown : nullptr));
    }
    co_return reply{200, json::object{{"queues", std::move(items)}}};
}

net::awaitable<reply> queue_create(action_context& ctx, const frame& f) {
    auto queue = queue_arg(ctx, f);
    // The metadata as a PUT body carries it, size-checked as sent.
    const auto* given = f.body.if_contains("metadata");
    auto metadata =
        parse_queue_metadata(given ? json::serialize(*given) : "{}", ctx.services.limits);
    const bool created = co_await ctx.services.queues.create(std::move(queue), std::move(metadata));
    co_return text_reply(created ? 201 : 204,
                         "Queue " + text_of(f.body, "queue_name") + " created.");
}

net::awaitable<reply> queue_delete(action_context& ctx, const frame& f) {
    auto queue = queue_arg(ctx, f);
    co_await ctx.services.queues.remove(std::move(queue));
    co_return text_reply(204, "Queue " + text_of(f.body, "queue_name") + " removed.");
}

net::awaitable<reply> queue_get(action_context& ctx, const frame& f) {
    auto queue = queue_arg(ctx, f);
    auto metadata = co_await ctx.services.queues.get(std::move(queue));
    co_return reply{200, std::move(metadata)};
}

net::awaitable<reply> queue_get_stats(action_context& ctx, const frame& f) {
    auto queue = queue_arg(ctx, f);
    const auto path = queue_path(queue.name);
    const auto stats = co_await ctx.services.queues.stats(std::move(queue));
    co_return reply{200, stats_object(stats, path, ctx.clock.now())};
}

net::awaitable<reply> queue_purge(action_context& ctx, const frame& f) {
    auto queue = queue_arg(ctx, f);
    // Zaqar's queue_purge purges both when the frame names neither.
    json::object body{{"resource_types", json::array{"messages", "subscriptions"}}};
    if (const auto* given = f.body.if_contains("resource_types")) body["resource_types"] = *given;
    const auto types = parse_purge_body(json::serialize(body));
    if (std::find(types.begin(), types.end(), "messages") != types.end()) {
        co_await ctx.services.queues.purge_messages(queue);
    }
    if (std::find(types.begin(), types.end(), "subscriptions") != types.end()) {
        co_await ctx.services.subscriptions.purge(std::move(queue));
    }
    co_return reply{204, json::object{}};
}

}  // namespace marconi::api::ws::steps
