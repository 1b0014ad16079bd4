// Marconi. /v1/queues, /v1/queues/{queue_name}[/metadata|/stats] (Zaqar's wsgi/v1_0/queues.py,
// metadata.py, stats.py).
#include <boost/json/serialize.hpp>

#include "api/codec/bodies.hpp"
#include "api/codec/render.hpp"
#include "api/http/handlers/legacy_listing.hpp"
#include "api/http/handlers/v1_0/handlers.hpp"
#include "api/http/handlers/v1_0/v1_0.hpp"
#include "api/http/handlers/v2/handlers.hpp"
#include "core/validation.hpp"

namespace marconi::api::v1_0 {

namespace json = boost::json;

net::awaitable<response> list_queues(request_context& ctx, const request& req) {
    const auto body = co_await legacy_queue_listing(ctx, req);
    if (!body) co_return response::empty(204);
    co_return response::json(200, json::serialize(*body));
}

net::awaitable<response> put_queue(request_context& ctx, const request& req) {
    // v1.0 creates a queue without metadata; a body is not read (that is /metadata's job).
    auto queue = v2::queue_of(ctx, req);
    json::object no_metadata;  // named: g++ 12 mishandles temporaries in a co_await'ed call
    const bool created =
        co_await ctx.services.queues.create(std::move(queue), std::move(no_metadata));
    co_return response::empty(created ? 201 : 204).with_header("Location", req.path);
}

net::awaitable<response> queue_exists(request_context& ctx, const request& req) {
    auto queue = v2::queue_of(ctx, req);
    const bool found = co_await ctx.services.queues.exists(std::move(queue));
    co_return response::empty(found ? 204 : 404);
}

net::awaitable<response> get_queue_metadata(request_context& ctx, const request& req) {
    auto queue = v2::queue_of(ctx, req);
    const auto metadata = co_await ctx.services.queues.find_stored(queue);
    if (!metadata) throw queue_not_found(ctx, queue);
    co_return response::json(200, json::serialize(*metadata));
}

net::awaitable<response> put_queue_metadata(request_context& ctx, const request& req) {
    auto queue = v2::queue_of(ctx, req);
    core::validate_queue_metadata_size(static_cast<std::int64_t>(req.body.size()),
                                       ctx.services.limits, core::errc::invalid_request);
    auto metadata = parse_json_object(req.body);
    for (const auto& entry : metadata) {
        if (entry.key().starts_with('_')) {
            throw core::error(core::errc::invalid_request,
                              "Reserved queue attributes in metadata (which names start with "
                              "\"_\") can not be set in API v1.");
        }
    }
    // The store refuses a missing queue's metadata; v1.0 words the 404 its own way.
    try {
        co_await ctx.services.queues.replace_metadata(queue, std::move(metadata));
    } catch (const core::error& e) {
        if (e.code() != core::errc::queue_not_found) throw;
        throw queue_not_found(ctx, queue);
    }
    co_return response::empty(204).with_header("Location", req.path);
}

net::awaitable<response> get_queue_stats(request_context& ctx, const request& req) {
    auto target = v2::target_of(v2::queue_traits, ctx, req);
    co_await require_queue(ctx, target.address);
    const auto stats = co_await ctx.services.queues.stats(std::move(target.address));
    co_return response::json(200, render_stats(stats, target.path, ctx.clock.now()));
}

}  // namespace marconi::api::v1_0
