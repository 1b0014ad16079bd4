// Marconi. /v1/queues/{queue_name}/messages[/{message_id}] (Zaqar's wsgi/v1_0/messages.py).
#include <boost/json/serialize.hpp>

#include "api/codec/bodies.hpp"
#include "api/codec/message_deletion.hpp"
#include "api/codec/query.hpp"
#include "api/codec/render.hpp"
#include "api/http/handlers/legacy_listing.hpp"
#include "api/http/handlers/v1_0/handlers.hpp"
#include "api/http/handlers/v1_0/v1_0.hpp"
#include "api/http/handlers/v2/handlers.hpp"
#include "core/validation.hpp"

namespace marconi::api::v1_0 {

namespace json = boost::json;

namespace {

constexpr auto href_only = message_form::href_only;

}  // namespace

net::awaitable<response> post_messages(request_context& ctx, const request& req) {
    auto target = v2::target_of(v2::queue_traits, ctx, req);
    const auto& client = required_client(ctx);
    auto batch = parse_v1_message_array(req.body);
    // v1.0 posts only to a queue that was created.
    co_await require_queue(ctx, target.address);
    const auto ids = co_await ctx.services.messages.post(std::move(target.address), client,
                                                         std::move(batch), req.body.size());
    std::string location = req.path + "?ids=";
    json::array hrefs;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i) location += ',';
        location += ids[i].value();
        hrefs.emplace_back(req.path + "/" + ids[i].value());
    }
    // Every batch is stored whole, so "partial" is always false (Zaqar dropped it in v1.1).
    const json::object body{{"partial", false}, {"resources", std::move(hrefs)}};
    co_return response::json(201, json::serialize(body))
        .with_header("Location", std::move(location));
}

net::awaitable<response> get_messages(request_context& ctx, const request& req) {
    auto target = v2::target_of(v2::queue_traits, ctx, req);
    if (auto ids = list_param(req.query, "ids")) {
        core::validate_message_list_limit(static_cast<std::int64_t>(ids->size()),
                                          ctx.services.limits);
        const auto found = co_await ctx.services.messages.get_many(std::move(target.address),
                                                                   to_message_ids(*ids));
        if (found.empty()) co_return response::empty(204);
        co_return response::json(
            200, render_message_array(found, target.path, ctx.clock.now(), href_only));
    }
    core::message_list_options options;
    options.client = required_client(ctx);
    options.marker = string_param(req.query, "marker");
    options.limit = int_param(req.query, "limit").value_or(10);
    options.echo = bool_param(req.query, "echo").value_or(false);
    options.include_claimed = bool_param(req.query, "include_claimed").value_or(false);
    const auto page =
        co_await ctx.services.messages.list(std::move(target.address), std::move(options));
    if (page.messages.empty()) co_return response::empty(204);
    std::optional<std::string> next;
    if (page.next_marker) {
        next = legacy_next_href(
            req, given_listing_parameters(req, {"marker", "limit", "echo", "include_claimed"}),
            *page.next_marker);
    }
    co_return response::json(
        200, render_message_page(page.messages, target.path, ctx.clock.now(), next, href_only));
}

net::awaitable<response> delete_messages(request_context& ctx, const request& req) {
    auto queue = v2::queue_of(ctx, req);
    // v1.0 deletes by id only: no pop, and without ids nothing (falcon's required parameter).
    const auto ids = list_param(req.query, "ids");
    if (!ids) {
        throw core::titled_error(core::errc::invalid_request, "Missing parameter",
                                 "The \"ids\" parameter is required.");
    }
    core::validate_message_list_limit(static_cast<std::int64_t>(ids->size()), ctx.services.limits);
    co_await ctx.services.messages.remove_many(std::move(queue), to_message_ids(*ids),
                                               std::nullopt);
    co_return response::empty(204);
}

net::awaitable<response> get_message(request_context& ctx, const request& req) {
    auto target = v2::target_of(v2::queue_traits, ctx, req);
    const auto found = co_await ctx.services.messages.get(std::move(target.address),
                                                          core::message_id{req.path_params.at(1)});
    std::string body;
    append_message(body, found, target.path, ctx.clock.now(), href_only);
    co_return response::json(200, std::move(body));
}

}  // namespace marconi::api::v1_0
