// Marconi. /v2/topics and /v2/topics/{topic_name}[/stats|/purge] (Zaqar's wsgi/v2_0/topic*.py).
// Topic T of project P is queue T of core::topic_address(P, T): the queue service does the work,
// told that the metadata is a topic's (fewer reserved defaults, topic_not_found).
#include <boost/json/serialize.hpp>

#include <algorithm>

#include "api/codec/bodies.hpp"
#include "api/codec/render.hpp"
#include "api/http/handlers/v2/handlers.hpp"
#include "storage/contract/error.hpp"
#include "core/validation.hpp"

namespace marconi::api::v2 {

namespace json = boost::json;

namespace {

constexpr auto topic = core::metadata_owner::topic;

}  // namespace

message_target topic_target(const request_context& ctx, const request& req) {
    const auto& name = req.path_params.at(0);
    core::validate_topic_name(name, ctx.project.value());
    return message_target{core::topic_address(ctx.project, core::queue_name{name}),
                          "/v2/topics/" + name};
}

net::awaitable<response> list_topics(request_context& ctx, const request& req) {
    co_return co_await list_collection(ctx, req, topic);
}

net::awaitable<response> put_topic(request_context& ctx, const request& req) {
    auto target = topic_target(ctx, req);
    auto metadata = parse_put_metadata(ctx, req);
    const bool created =
        co_await ctx.services.queues.create(std::move(target.address), std::move(metadata));
    co_return response::empty(created ? 201 : 204).with_header("Location", target.path);
}

net::awaitable<response> get_topic(request_context& ctx, const request& req) {
    auto target = topic_target(ctx, req);
    auto metadata = co_await ctx.services.queues.get(std::move(target.address), topic);
    co_return response::json(200, json::serialize(metadata));
}

net::awaitable<response> patch_topic(request_context& ctx, const request& req) {
    auto target = topic_target(ctx, req);
    auto patch = parse_metadata_patch(ctx, req);
    auto metadata =
        co_await ctx.services.queues.patch(std::move(target.address), std::move(patch), topic);
    co_return response::json(200, json::serialize(metadata));
}

net::awaitable<response> delete_topic(request_context& ctx, const request& req) {
    auto target = topic_target(ctx, req);
    co_await ctx.services.queues.remove(std::move(target.address));
    co_return response::empty(204);
}

net::awaitable<response> get_topic_stats(request_context& ctx, const request& req) {
    auto target = topic_target(ctx, req);
    // A missing or empty topic reads as zeros, as in Zaqar.
    const auto stats = co_await ctx.services.queues.stats(std::move(target.address));
    co_return response::json(200, render_stats(stats, target.path, ctx.clock.now()));
}

net::awaitable<response> post_topic_purge(request_context& ctx, const request& req) {
    auto target = topic_target(ctx, req);
    const auto types = parse_purge_body(req.body);
    if (std::find(types.begin(), types.end(), "messages") != types.end()) {
        co_await ctx.services.queues.purge_messages(std::move(target.address));
    }
    co_return response::empty(204);
}

}  // namespace marconi::api::v2
