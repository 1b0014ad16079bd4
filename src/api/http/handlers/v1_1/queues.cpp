// Marconi. GET /v1.1/queues and GET /v1.1/queues/{queue_name} (Zaqar's wsgi/v1_1/queues.py).
#include <boost/json/serialize.hpp>

#include "api/codec/query.hpp"
#include "api/codec/render.hpp"
#include "api/http/handlers/legacy_listing.hpp"
#include "api/http/handlers/v1_1/handlers.hpp"
#include "api/http/handlers/v2/handlers.hpp"
#include "core/validation.hpp"

namespace marconi::api::v1_1 {

namespace json = boost::json;

net::awaitable<response> list_queues(request_context& ctx, const request& req) {
    core::queue_list_options options;
    options.marker = string_param(req.query, "marker");
    options.limit = int_param(req.query, "limit").value_or(10);
    core::validate_queue_list_limit(options.limit, ctx.services.limits);
    const auto detailed = bool_param(req.query, "detailed");

    const auto page = co_await ctx.services.queues.list(ctx.project, options);
    json::array items;
    for (const auto& record : page) {
        const auto stored = core::queue_service::stored_metadata(record);
        items.push_back(listing_item(record, "queues", detailed.value_or(false) ? &stored : nullptr,
                                     ctx.version));
    }
    json::array links;
    if (!page.empty()) {
        links.push_back(json::object{
            {"rel", "next"},
            {"href",
             legacy_next_href(req, given_listing_parameters(req, {"marker", "limit", "detailed"}),
                              page.back().name.value())}});
    }
    co_return response::json(200, json::serialize(json::object{{"queues", std::move(items)},
                                                               {"links", std::move(links)}}));
}

net::awaitable<response> get_queue(request_context& ctx, const request& req) {
    auto queue = v2::queue_of(ctx, req);
    co_return response::json(
        200, json::serialize(co_await ctx.services.queues.get_stored(std::move(queue))));
}

}  // namespace marconi::api::v1_1
