// Marconi. GET /v1.1/queues and GET /v1.1/queues/{queue_name} (Zaqar's wsgi/v1_1/queues.py).
#include <boost/json/serialize.hpp>

#include "api/http/handlers/legacy_listing.hpp"
#include "api/http/handlers/v1_1/handlers.hpp"
#include "api/http/handlers/v2/handlers.hpp"

namespace marconi::api::v1_1 {

namespace json = boost::json;

net::awaitable<response> list_queues(request_context& ctx, const request& req) {
    auto body = co_await legacy_queue_listing(ctx, req);
    if (!body) body = json::object{{"queues", json::array{}}, {"links", json::array{}}};
    co_return response::json(200, json::serialize(*body));
}

net::awaitable<response> get_queue(request_context& ctx, const request& req) {
    auto queue = v2::queue_of(ctx, req);
    co_return response::json(
        200, json::serialize(co_await ctx.services.queues.get_stored(std::move(queue))));
}

}  // namespace marconi::api::v1_1
