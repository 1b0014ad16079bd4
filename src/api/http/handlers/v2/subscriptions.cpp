// Marconi. /v2/queues/{queue_name}/subscriptions[/{subscription_id}[/confirm]] and the same
// under /v2/topics/{topic_name}: one handler template per route, instantiated per source kind.
#include "api/codec/bodies.hpp"
#include "api/codec/query.hpp"
#include "api/codec/subscription_render.hpp"
#include "api/http/handlers/v2/handlers.hpp"

namespace marconi::api::v2 {

namespace json = boost::json;

namespace {

/// Zaqar reads an absent body as {} on these routes, so validation words the problem.
json::value body_of(const request& req) {
    if (req.body.empty()) return json::object{};
    return parse_json(req.body);
}

/// The next link as falcon builds it from the request's own marker and limit, in the order the
/// resource stored them: a marker the request did not carry goes after its limit.
std::string next_href(const request& req, const std::string& marker,
                      std::optional<std::int64_t> limit) {
    const bool had_marker = string_param(req.query, "marker").has_value();
    std::string href = req.path;
    if (had_marker || !limit) {
        href += "?marker=" + marker;
        if (limit) href += "&limit=" + std::to_string(*limit);
    } else {
        href += "?limit=" + std::to_string(*limit) + "&marker=" + marker;
    }
    return href;
}

}  // namespace

template <source_kind Kind>
net::awaitable<response> list_subscriptions(request_context& ctx, const request& req) {
    auto source = address_of(traits_of(Kind), ctx, req);
    const auto name = source.name.value();
    const auto limit = int_param(req.query, "limit");
    const auto page = co_await ctx.services.subscriptions.list(
        std::move(source), string_param(req.query, "marker"), limit);
    std::optional<std::string> next;
    if (!page.empty()) next = next_href(req, page.back().id.value(), limit);
    co_return response::json(200, render_subscription_page(page, name, ctx.clock.now(), next));
}

template <source_kind Kind>
net::awaitable<response> post_subscription(request_context& ctx, const request& req) {
    auto source = address_of(traits_of(Kind), ctx, req);
    auto body = body_of(req);
    const auto created =
        co_await ctx.services.subscriptions.create(std::move(source), std::move(body), ctx.trustor);
    co_return response::json(201, render_subscription_created(created.id))
        .with_header("Location", req.path);
}

template <source_kind Kind>
net::awaitable<response> get_subscription(request_context& ctx, const request& req) {
    auto source = address_of(traits_of(Kind), ctx, req);
    const auto name = source.name.value();
    const auto subscription = co_await ctx.services.subscriptions.get(
        std::move(source), core::subscription_id{req.path_params.at(1)});
    co_return response::json(200, render_subscription(subscription, name, ctx.clock.now()));
}

template <source_kind Kind>
net::awaitable<response> patch_subscription(request_context& ctx, const request& req) {
    auto source = address_of(traits_of(Kind), ctx, req);
    auto body = body_of(req);
    co_await ctx.services.subscriptions.update(
        std::move(source), core::subscription_id{req.path_params.at(1)}, std::move(body));
    co_return response::empty(204).with_header("Location", req.path);
}

template <source_kind Kind>
net::awaitable<response> delete_subscription(request_context& ctx, const request& req) {
    auto source = address_of(traits_of(Kind), ctx, req);
    co_await ctx.services.subscriptions.remove(std::move(source),
                                               core::subscription_id{req.path_params.at(1)});
    co_return response::empty(204);
}

template <source_kind Kind>
net::awaitable<response> put_subscription_confirm(request_context& ctx, const request& req) {
    auto source = address_of(traits_of(Kind), ctx, req);
    auto body = body_of(req);
    co_await ctx.services.subscriptions.confirm(
        std::move(source), core::subscription_id{req.path_params.at(1)}, std::move(body));
    co_return response::empty(204).with_header("Location", req.path);
}

MARCONI_V2_SOURCE_HANDLER(list_subscriptions);
MARCONI_V2_SOURCE_HANDLER(post_subscription);
MARCONI_V2_SOURCE_HANDLER(get_subscription);
MARCONI_V2_SOURCE_HANDLER(patch_subscription);
MARCONI_V2_SOURCE_HANDLER(delete_subscription);
MARCONI_V2_SOURCE_HANDLER(put_subscription_confirm);

}  // namespace marconi::api::v2
