// Marconi. /v2/queues and /v2/queues/{queue_name}[/stats|/purge].
#include <boost/json/serialize.hpp>
#include <charconv>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "api/codec/bodies.hpp"
#include "api/codec/query.hpp"
#include "api/codec/render.hpp"
#include "api/http/handlers/v2/handlers.hpp"
#include "core/error.hpp"
#include "core/validation.hpp"

namespace marconi::api::v2 {

namespace json = boost::json;

namespace {

constexpr std::string_view json_patch_media_type =
    "application/openstack-messaging-v2.0-json-patch";

/// Query keys with a meaning of their own; any other key filters on metadata equality. Zaqar's
/// topic listing has no with_count (there it is a filter).
bool is_listing_keyword(std::string_view key, core::metadata_owner owner) {
    return key == "marker" || key == "limit" || key == "detailed" || key == "name" ||
           (key == "with_count" && owner == core::metadata_owner::queue);
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

}  // namespace

core::queue_address queue_of(const request_context& ctx, const request& req) {
    const auto& name = req.path_params.at(0);
    core::validate_queue_name(name, ctx.project.value());
    return core::queue_address{ctx.project, core::queue_name{name}};
}

message_target queue_target(const request_context& ctx, const request& req) {
    auto queue = queue_of(ctx, req);
    auto path = queue_path(queue.name);
    return message_target{std::move(queue), std::move(path)};
}

net::awaitable<response> list_collection(request_context& ctx, const request& req,
                                         core::metadata_owner owner) {
    const bool topics = owner == core::metadata_owner::topic;
    const std::string collection = topics ? "topics" : "queues";
    // Every topic of a project lives in one internal project (core::topic_address).
    auto stored_project =
        topics ? core::topic_address(ctx.project, core::queue_name{}).project : ctx.project;
    core::queue_list_options options;
    options.marker = string_param(req.query, "marker");
    options.limit = int_param(req.query, "limit").value_or(10);
    core::validate_queue_list_limit(options.limit, ctx.services.limits);
    options.name_contains = string_param(req.query, "name");
    const bool detailed = bool_param(req.query, "detailed").value_or(false);
    const bool with_count = !topics && bool_param(req.query, "with_count").value_or(false);
    for (const auto& [key, value] : req.query.all()) {
        if (!is_listing_keyword(key, owner)) options.metadata_equals.emplace_back(key, filter_value_json(value));
    }

    auto& queues = ctx.services.queues;
    const auto page = co_await queues.list(stored_project, options);

    json::array items;
    for (const auto& record : page) {
        const auto shown = detailed ? queues.shown_metadata(record, owner) : json::object{};
        items.push_back(listing_item(record, collection, detailed ? &shown : nullptr));
    }
    json::array links;
    if (!page.empty()) {
        // The next page repeats this request's parameters with the marker moved on.
        std::string href =
            "/v2/" + collection + "?marker=" + encode_query_value(page.back().name.value());
        for (const auto& [key, value] : req.query.all()) {
            if (key != "marker") href += "&" + encode_query_value(key) + "=" + encode_query_value(value);
        }
        links.push_back(json::object{{"rel", "next"}, {"href", href}});
    }
    json::object body{{collection, std::move(items)}, {"links", std::move(links)}};
    if (with_count) {
        if (auto count = co_await queues.count(ctx.project); count > 0) body["count"] = count;
    }
    co_return response::json(200, json::serialize(body));
}

net::awaitable<response> list_queues(request_context& ctx, const request& req) {
    co_return co_await list_collection(ctx, req, core::metadata_owner::queue);
}

json::object parse_put_metadata(const request_context& ctx, const request& req) {
    return parse_queue_metadata(req.body, ctx.services.limits);
}

json::value parse_metadata_patch(const request_context& ctx, const request& req) {
    // Zaqar checks the size before the media type.
    core::validate_queue_metadata_size(static_cast<std::int64_t>(req.body.size()),
                                       ctx.services.limits, core::errc::invalid_body);
    const auto content_type = req.header("Content-Type").value_or("");
    if (content_type != json_patch_media_type) {
        // Zaqar's text prints the Python dict of the Accept-Patch header it means.
        throw core::error(core::errc::unsupported_media,
                          "Accepted media type for PATCH: {'Accept-Patch': '" +
                              std::string(json_patch_media_type) + "'}.");
    }
    if (req.body.empty()) {
        throw core::error(core::errc::invalid_body, "PATCH body could not be empty for update.");
    }
    auto patch = parse_json(req.body);
    if (!patch.is_array()) throw core::error(core::errc::invalid_body, "Document type not supported.");
    return patch;
}

net::awaitable<response> put_queue(request_context& ctx, const request& req) {
    auto queue = queue_of(ctx, req);
    auto metadata = parse_put_metadata(ctx, req);
    const auto location = queue_path(queue.name);
    const bool created = co_await ctx.services.queues.create(std::move(queue), std::move(metadata));
    co_return response::empty(created ? 201 : 204).with_header("Location", location);
}

net::awaitable<response> get_queue(request_context& ctx, const request& req) {
    auto metadata = co_await ctx.services.queues.get(queue_of(ctx, req));
    co_return response::json(200, json::serialize(metadata));
}

net::awaitable<response> patch_queue(request_context& ctx, const request& req) {
    auto queue = queue_of(ctx, req);
    auto patch = parse_metadata_patch(ctx, req);
    auto metadata = co_await ctx.services.queues.patch(std::move(queue), std::move(patch));
    co_return response::json(200, json::serialize(metadata));
}

net::awaitable<response> delete_queue(request_context& ctx, const request& req) {
    co_await ctx.services.queues.remove(queue_of(ctx, req));
    co_return response::empty(204);
}

net::awaitable<response> get_queue_stats(request_context& ctx, const request& req) {
    auto queue = queue_of(ctx, req);
    const auto path = queue_path(queue.name);
    const auto stats = co_await ctx.services.queues.stats(std::move(queue));
    co_return response::json(200, render_stats(stats, path, ctx.clock.now()));
}

net::awaitable<response> post_queue_purge(request_context& ctx, const request& req) {
    auto queue = queue_of(ctx, req);
    const auto types = parse_purge_body(req.body);
    if (std::find(types.begin(), types.end(), "messages") != types.end()) {
        co_await ctx.services.queues.purge_messages(queue);
    }
    if (std::find(types.begin(), types.end(), "subscriptions") != types.end()) {
        co_await ctx.services.subscriptions.purge(std::move(queue));
    }
    co_return response::empty(204);
}

}  // namespace marconi::api::v2
