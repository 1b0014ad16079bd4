// Marconi. /v2/queues/{queue_name}/messages[/{message_id}] and the same under
// /v2/topics/{topic_name}: one handler template per route, instantiated per source kind.
// v1.1's messages routes are these too: it has no delays and no claim_ids on delete.
#include "api/codec/bodies.hpp"
#include "api/codec/error_mapping.hpp"
#include "api/codec/message_deletion.hpp"
#include "api/codec/query.hpp"
#include "api/codec/render.hpp"
#include "api/http/handlers/v2/handlers.hpp"
#include "core/validation.hpp"
#include "storage/contract/error.hpp"

namespace marconi::api::v2 {

namespace {

/// The next page's href: this request's listing parameters with the marker moved on.
std::string next_page_href(std::string_view messages_path, const request& req,
                           const std::string& marker) {
    std::string href{messages_path};
    href += "?marker=";
    href += marker;
    for (std::string_view key : {"limit", "echo", "include_claimed", "include_delayed"}) {
        if (auto value = req.query.get(key)) {
            href += '&';
            href += key;
            href += '=';
            href += *value;
        }
    }
    return href;
}

net::awaitable<response> get_messages_by_id(request_context& ctx, source_target target,
                                            const std::vector<std::string>& ids) {
    // The client's project, not the stored one (a topic's is an internal namespace). Zaqar
    // says "queue" for topics too.
    const auto name = target.address.name.value();
    auto found =
        co_await ctx.services.messages.get_many(std::move(target.address), to_message_ids(ids));
    if (found.empty()) throw messages_not_found(ids, name, ctx.project.value());
    co_return response::json(200, render_messages(found, target.path, ctx.clock.now()));
}

}  // namespace

template <source_kind Kind>
net::awaitable<response> post_messages(request_context& ctx, const request& req) {
    auto target = target_of(traits_of(Kind), ctx, req);
    auto queue = std::move(target.address);
    const auto path = std::move(target.path);
    // v1.1 knows no delays: its spec reads ttl and body only (wsgi/v1_1/messages.py).
    auto batch = parse_message_batch(req.body, ctx.version == api_version::v2);
    const auto ids = co_await ctx.services.messages.post(std::move(queue), ctx.client,
                                                         std::move(batch), req.body.size());
    std::string location = path + "/messages?ids=";
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i) location += ',';
        location += ids[i].value();
    }
    co_return response::json(201, render_post_result(ids, path))
        .with_header("Location", std::move(location));
}

template <source_kind Kind>
net::awaitable<response> get_messages(request_context& ctx, const request& req) {
    auto target = target_of(traits_of(Kind), ctx, req);
    if (auto ids = list_param(req.query, "ids")) {
        co_return co_await get_messages_by_id(ctx, std::move(target), *ids);
    }
    auto queue = std::move(target.address);
    const auto path = std::move(target.path);
    core::message_list_options options;
    options.marker = string_param(req.query, "marker");
    options.limit = int_param(req.query, "limit").value_or(10);
    options.echo = bool_param(req.query, "echo").value_or(false);
    options.include_claimed = bool_param(req.query, "include_claimed").value_or(false);
    options.include_delayed =
        ctx.version == api_version::v2 && bool_param(req.query, "include_delayed").value_or(false);
    options.client = ctx.client;

    const auto page = co_await ctx.services.messages.list(std::move(queue), std::move(options));
    std::optional<std::string> next;
    if (!page.messages.empty() && page.next_marker) {
        next = next_page_href(path + "/messages", req, *page.next_marker);
    }
    co_return response::json(200, render_message_page(page.messages, path, ctx.clock.now(), next));
}

template <source_kind Kind>
net::awaitable<response> delete_messages(request_context& ctx, const request& req) {
    auto queue = address_of(traits_of(Kind), ctx, req);
    const auto& limits = ctx.services.limits;
    const auto ids = list_param(req.query, "ids");
    const auto pop = int_param(req.query, "pop");
    std::optional<std::vector<std::string>> claim_ids;
    if (limits.message_delete_with_claim_id && ctx.version == api_version::v2) {
        claim_ids = list_param(req.query, "claim_ids");
    }
    auto deletion = checked_message_deletion(ids, pop, claim_ids, limits);
    if (deletion.pop) {
        auto popped = co_await ctx.services.messages.pop(std::move(queue), *deletion.pop);
        co_return response::json(200, render_popped(popped, ctx.clock.now()));
    }
    co_await ctx.services.messages.remove_many(std::move(queue), std::move(deletion.ids),
                                               std::move(deletion.claims));
    co_return response::empty(204);
}

template <source_kind Kind>
net::awaitable<response> get_message(request_context& ctx, const request& req) {
    auto target = target_of(traits_of(Kind), ctx, req);
    auto queue = std::move(target.address);
    const auto path = std::move(target.path);
    const auto found = co_await ctx.services.messages.get(std::move(queue),
                                                          core::message_id{req.path_params.at(1)});
    std::string body;
    append_message(body, found, path, ctx.clock.now());
    co_return response::json(200, std::move(body));
}

template <source_kind Kind>
net::awaitable<response> delete_message(request_context& ctx, const request& req) {
    auto queue = address_of(traits_of(Kind), ctx, req);
    std::optional<core::claim_id> claim;
    if (auto id = string_param(req.query, "claim_id")) claim.emplace(std::move(*id));
    co_await ctx.services.messages.remove(std::move(queue), core::message_id{req.path_params.at(1)},
                                          std::move(claim));
    co_return response::empty(204);
}

MARCONI_V2_SOURCE_HANDLER(post_messages);
MARCONI_V2_SOURCE_HANDLER(get_messages);
MARCONI_V2_SOURCE_HANDLER(delete_messages);
MARCONI_V2_SOURCE_HANDLER(get_message);
MARCONI_V2_SOURCE_HANDLER(delete_message);

}  // namespace marconi::api::v2
