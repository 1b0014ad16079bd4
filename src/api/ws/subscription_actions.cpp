// Marconi. The subscription actions: subscription_list, subscription_create,
// subscription_delete, subscription_get.
#include "api/codec/bodies.hpp"
#include "api/codec/error_mapping.hpp"
#include "api/codec/subscription_render.hpp"
#include "api/ws/action_args.hpp"
#include "api/ws/action_steps.hpp"

#include <boost/json/serialize.hpp>

namespace marconi::api::ws::steps {

namespace json = boost::json;

// Named locals, not temporaries, as the co_await'ed calls' arguments (g++ 12).

net::awaitable<reply> subscription_list(action_context& ctx, const frame& f) {
    auto source = queue_arg(ctx, f);
    const auto name = source.name.value();
    std::optional<std::string> marker;
    std::optional<std::int64_t> limit;
    const auto page = co_await ctx.services.subscriptions.list(std::move(source), marker, limit);
    const auto now = ctx.clock.now();
    json::array listed;
    for (const auto& s : page) listed.push_back(subscription_object(s, name, now));
    co_return reply{200, json::object{{"subscriptions", std::move(listed)}}};
}

net::awaitable<reply> subscription_create(action_context& ctx, const frame& f) {
    auto source = queue_arg(ctx, f);
    const auto queue = text_of(f.body, "queue_name");
    // Without a subscriber, the socket subscribes itself (its notification URL).
    json::object given;
    const auto subscriber = text_of(f.body, "subscriber");
    given["subscriber"] = subscriber.empty() ? std::string(ctx.subscriber) : subscriber;
    for (std::string_view key : {"ttl", "options"}) {
        if (const auto* v = f.body.if_contains(key)) given[key] = *v;
    }
    // Read back as an HTTP body is, with its depth and number limits.
    auto body = parse_json(json::serialize(given));
    std::optional<core::subscription_created> created;
    try {
        created = co_await ctx.services.subscriptions.create(std::move(source), std::move(body),
                                                             ctx.trustor);
    } catch (const core::error& e) {
        if (to_http(e.code()).status != 409) throw;
    }
    // Zaqar's endpoint answers any existing subscriber 409, confirmed or not (HTTP gives an
    // unconfirmed one's id with 201).
    if (!created || !created->created) {
        co_return text_reply(409, "Subscription " + queue + " not created.");
    }
    co_return reply{201, json::object{{"subscription_id", created->id.value()},
                                      {"message", "Subscription " + queue + " created."}}};
}

net::awaitable<reply> subscription_delete(action_context& ctx, const frame& f) {
    auto source = queue_arg(ctx, f);
    const auto given = text_of(f.body, "subscription_id");
    core::subscription_id id{given};
    co_await ctx.services.subscriptions.remove(std::move(source), std::move(id));
    co_return text_reply(204, "Subscription " + given + " removed.");
}

net::awaitable<reply> subscription_get(action_context& ctx, const frame& f) {
    auto source = queue_arg(ctx, f);
    const auto name = source.name.value();
    core::subscription_id id{text_of(f.body, "subscription_id")};
    const auto subscription =
        co_await ctx.services.subscriptions.get(std::move(source), std::move(id));
    co_return reply{200, subscription_object(subscription, name, ctx.clock.now())};
}

}  // namespace marconi::api::ws::steps
