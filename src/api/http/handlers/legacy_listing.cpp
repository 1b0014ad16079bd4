// Marconi.
#include "api/http/handlers/legacy_listing.hpp"

#include <algorithm>

#include "api/codec/query.hpp"
#include "api/codec/render.hpp"
#include "core/validation.hpp"

namespace marconi::api {

given_parameters given_listing_parameters(const request& req,
                                          std::initializer_list<std::string_view> keys) {
    given_parameters given;
    for (auto key : keys) {
        if (key == "marker") {
            if (auto marker = string_param(req.query, key)) given.emplace_back(key, *marker);
        } else if (key == "limit") {
            if (auto limit = int_param(req.query, key))
                given.emplace_back(key, std::to_string(*limit));
        } else if (auto flag = bool_param(req.query, key)) {
            given.emplace_back(key, *flag ? "true" : "false");
        }
    }
    return given;
}

std::string legacy_next_href(const request& req, given_parameters given,
                             const std::string& next_marker) {
    auto marker = std::find_if(given.begin(), given.end(),
                               [](const auto& entry) { return entry.first == "marker"; });
    if (marker != given.end()) {
        marker->second = next_marker;
    } else {
        given.emplace_back("marker", next_marker);
    }
    std::string href{req.path};
    char separator = '?';
    for (const auto& [key, value] : given) {
        href += separator;
        href += key;
        href += '=';
        href += value;
        separator = '&';
    }
    return href;
}

net::awaitable<std::optional<boost::json::object>> legacy_queue_listing(request_context& ctx,
                                                                        const request& req) {
    core::queue_list_options options;
    options.marker = string_param(req.query, "marker");
    options.limit = int_param(req.query, "limit").value_or(10);
    core::validate_queue_list_limit(options.limit, ctx.services.limits);
    const bool detailed = bool_param(req.query, "detailed").value_or(false);

    const auto page = co_await ctx.services.queues.list(ctx.project, options);
    if (page.empty()) co_return std::nullopt;
    boost::json::array items;
    for (const auto& record : page) {
        const auto stored = core::queue_service::stored_metadata(record);
        items.push_back(listing_item(record, "queues", detailed ? &stored : nullptr, ctx.version));
    }
    auto next =
        legacy_next_href(req, given_listing_parameters(req, {"marker", "limit", "detailed"}),
                         page.back().name.value());
    boost::json::array links{boost::json::object{{"rel", "next"}, {"href", std::move(next)}}};
    co_return boost::json::object{{"queues", std::move(items)}, {"links", std::move(links)}};
}

}  // namespace marconi::api
