// Marconi. /v2/queues, /v2/topics and /v2/{queues,topics}/{name}[/stats|/purge] (Zaqar's
// wsgi/v2_0/queues.py, topic.py). Topic T of project P is queue T of core::topic_address(P, T):
// the queue service does the work, told whose metadata it is (source_traits::owner).
#include <boost/json/serialize.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <algorithm>
#include <charconv>

#include "api/codec/bodies.hpp"
#include "api/codec/query.hpp"
#include "api/codec/render.hpp"
#include "api/codec/transport_error.hpp"
#include "api/http/handlers/v2/handlers.hpp"
#include "core/validation.hpp"
#include "storage/contract/error.hpp"

namespace marconi::api::v2 {

namespace json = boost::json;

namespace {

constexpr std::string_view json_patch_media_type =
    "application/openstack-messaging-v2.0-json-patch";

/// Query keys with a meaning of their own; any other key filters on metadata equality.
bool is_listing_keyword(std::string_view key, const source_traits& kind) {
    return key == "marker" || key == "limit" || key == "detailed" || key == "name" ||
           (key == "with_count" && kind.lists_with_count);
}

std::string encode_query_value(std::string_view value) {
    return boost::urls::encode(value, boost::urls::unreserved_chars);
}

/// `?foo=bar` matches metadata.foo == "bar"; numeric strings compare as numbers (Zaqar casts).
std::string filter_value_json(std::string_view text) {
    std::int64_t number = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec == std::errc{} && end == text.data() + text.size() && !text.empty()) {
        return std::to_string(number);
    }
    return json::serialize(json::string_view(text));
}

/// PUT: the metadata in the body ({} if none), size-checked.
json::object parse_put_metadata(const request_context& ctx, const request& req) {
    return parse_queue_metadata(req.body, ctx.services.limits);
}

/// PATCH: the JSON-patch array, after Zaqar's checks of size, media type and emptiness.
json::value parse_metadata_patch(const request_context& ctx, const request& req) {
    // Zaqar checks the size before the media type.
    core::validate_queue_metadata_size(static_cast<std::int64_t>(req.body.size()),
                                       ctx.services.limits, core::errc::invalid_body);
    const auto content_type = req.header("Content-Type").value_or("");
    if (content_type != json_patch_media_type) {
        // Zaqar's text prints the Python dict of the Accept-Patch header it means.
        throw transport_error(transport_errc::unsupported_media,
                              "Accepted media type for PATCH: {'Accept-Patch': '" +
                                  std::string(json_patch_media_type) + "'}.");
    }
    if (req.body.empty()) {
        throw core::error(core::errc::invalid_body, "PATCH body could not be empty for update.");
    }
    auto patch = parse_json(req.body);
    if (!patch.is_array())
        throw core::error(core::errc::invalid_body, "Document type not supported.");
    return patch;
}

bool names(const std::vector<std::string>& types, std::string_view type) {
    return std::find(types.begin(), types.end(), type) != types.end();
}

}  // namespace

core::queue_address address_of(const source_traits& kind, const request_context& ctx,
                               const request& req) {
    const auto& name = req.path_params.at(0);
    kind.validate_name(name, ctx.project.value());
    return kind.address(ctx.project, core::queue_name{name});
}

source_target target_of(const source_traits& kind, const request_context& ctx, const request& req) {
    auto address = address_of(kind, ctx, req);
    auto path = std::string(root_of(ctx.version)) + "/" + std::string(kind.collection) + "/" +
                address.name.value();
    return source_target{std::move(address), std::move(path)};
}

template <source_kind Kind>
net::awaitable<response> list_sources(request_context& ctx, const request& req) {
    const source_traits& kind = traits_of(Kind);
    const std::string collection{kind.collection};
    // Every topic of a project lives in one internal project (core::topic_address).
    auto stored_project = kind.address(ctx.project, core::queue_name{}).project;
    core::queue_list_options options;
    options.marker = string_param(req.query, "marker");
    options.limit = int_param(req.query, "limit").value_or(10);
    core::validate_queue_list_limit(options.limit, ctx.services.limits);
    options.name_contains = string_param(req.query, "name");
    const bool detailed = bool_param(req.query, "detailed").value_or(false);
    const bool with_count =
        kind.lists_with_count && bool_param(req.query, "with_count").value_or(false);
    for (const auto& [key, value] : req.query.all()) {
        if (!is_listing_keyword(key, kind))
            options.metadata_equals.emplace_back(key, filter_value_json(value));
    }

    auto& queues = ctx.services.queues;
    const auto page = co_await queues.list(stored_project, options);

    json::array items;
    for (const auto& record : page) {
        const auto shown = detailed ? queues.shown_metadata(record, kind.owner) : json::object{};
        items.push_back(listing_item(record, collection, detailed ? &shown : nullptr));
    }
    json::array links;
    if (!page.empty()) {
        // The next page repeats this request's parameters with the marker moved on.
        std::string href =
            "/v2/" + collection + "?marker=" + encode_query_value(page.back().name.value());
        for (const auto& [key, value] : req.query.all()) {
            if (key != "marker")
                href += "&" + encode_query_value(key) + "=" + encode_query_value(value);
        }
        links.push_back(json::object{{"rel", "next"}, {"href", href}});
    }
    json::object body{{collection, std::move(items)}, {"links", std::move(links)}};
    if (with_count) {
        if (auto count = co_await queues.count(ctx.project); count > 0) body["count"] = count;
    }
    co_return response::json(200, json::serialize(body));
}

template <source_kind Kind>
net::awaitable<response> put_source(request_context& ctx, const request& req) {
    auto target = target_of(traits_of(Kind), ctx, req);
    auto metadata = parse_put_metadata(ctx, req);
    const bool created =
        co_await ctx.services.queues.create(std::move(target.address), std::move(metadata));
    co_return response::empty(created ? 201 : 204).with_header("Location", target.path);
}

template <source_kind Kind>
net::awaitable<response> get_source(request_context& ctx, const request& req) {
    const source_traits& kind = traits_of(Kind);
    auto target = target_of(kind, ctx, req);
    auto metadata = co_await ctx.services.queues.get(std::move(target.address), kind.owner);
    co_return response::json(200, json::serialize(metadata));
}

template <source_kind Kind>
net::awaitable<response> patch_source(request_context& ctx, const request& req) {
    const source_traits& kind = traits_of(Kind);
    auto target = target_of(kind, ctx, req);
    auto patch = parse_metadata_patch(ctx, req);
    auto metadata =
        co_await ctx.services.queues.patch(std::move(target.address), std::move(patch), kind.owner);
    co_return response::json(200, json::serialize(metadata));
}

template <source_kind Kind>
net::awaitable<response> delete_source(request_context& ctx, const request& req) {
    auto target = target_of(traits_of(Kind), ctx, req);
    co_await ctx.services.queues.remove(std::move(target.address));
    co_return response::empty(204);
}

template <source_kind Kind>
net::awaitable<response> get_source_stats(request_context& ctx, const request& req) {
    auto target = target_of(traits_of(Kind), ctx, req);
    // A missing or empty topic reads as zeros, as in Zaqar.
    const auto stats = co_await ctx.services.queues.stats(std::move(target.address));
    co_return response::json(200, render_stats(stats, target.path, ctx.clock.now()));
}

template <source_kind Kind>
net::awaitable<response> post_source_purge(request_context& ctx, const request& req) {
    const source_traits& kind = traits_of(Kind);
    auto target = target_of(kind, ctx, req);
    const auto types = parse_purge_body(req.body);
    if (names(types, "messages")) co_await ctx.services.queues.purge_messages(target.address);
    if (kind.purges_subscriptions && names(types, "subscriptions")) {
        co_await ctx.services.subscriptions.purge(std::move(target.address));
    }
    co_return response::empty(204);
}

MARCONI_V2_SOURCE_HANDLER(list_sources);
MARCONI_V2_SOURCE_HANDLER(put_source);
MARCONI_V2_SOURCE_HANDLER(get_source);
MARCONI_V2_SOURCE_HANDLER(patch_source);
MARCONI_V2_SOURCE_HANDLER(delete_source);
MARCONI_V2_SOURCE_HANDLER(get_source_stats);
MARCONI_V2_SOURCE_HANDLER(post_source_purge);

}  // namespace marconi::api::v2
