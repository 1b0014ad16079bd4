// Marconi. The v2 handlers, one file per resource; registered in routes.cpp.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "api/http/handler.hpp"
#include "api/http/handlers/v2/source_kind.hpp"

namespace marconi::api::v2 {

// home.cpp
net::awaitable<response> get_versions(request_context& ctx, const request& req);
net::awaitable<response> get_home(request_context& ctx, const request& req);
net::awaitable<response> get_ping(request_context& ctx, const request& req);
net::awaitable<response> head_ping(request_context& ctx, const request& req);
net::awaitable<response> get_health(request_context& ctx, const request& req);
net::awaitable<response> head_health(request_context& ctx, const request& req);

// Each handler template serves one route of a queue and the same route of a topic
// (source_kind.hpp); MARCONI_V2_SOURCE_HANDLER instantiates one for both kinds.
#define MARCONI_V2_SOURCE_HANDLER(name)                                                           \
    template net::awaitable<response> name<source_kind::queue>(request_context&, const request&); \
    template net::awaitable<response> name<source_kind::topic>(request_context&, const request&)

// sources.cpp: /v2/queues, /v2/topics and one queue's or topic's metadata, stats and purge.
template <source_kind Kind>
net::awaitable<response> list_sources(request_context& ctx, const request& req);
template <source_kind Kind>
net::awaitable<response> put_source(request_context& ctx, const request& req);
template <source_kind Kind>
net::awaitable<response> get_source(request_context& ctx, const request& req);
template <source_kind Kind>
net::awaitable<response> patch_source(request_context& ctx, const request& req);
template <source_kind Kind>
net::awaitable<response> delete_source(request_context& ctx, const request& req);
template <source_kind Kind>
net::awaitable<response> get_source_stats(request_context& ctx, const request& req);
template <source_kind Kind>
net::awaitable<response> post_source_purge(request_context& ctx, const request& req);

// share.cpp
net::awaitable<response> post_queue_share(request_context& ctx, const request& req);

// messages.cpp
template <source_kind Kind>
net::awaitable<response> post_messages(request_context& ctx, const request& req);
template <source_kind Kind>
net::awaitable<response> get_messages(request_context& ctx, const request& req);
template <source_kind Kind>
net::awaitable<response> delete_messages(request_context& ctx, const request& req);
template <source_kind Kind>
net::awaitable<response> get_message(request_context& ctx, const request& req);
template <source_kind Kind>
net::awaitable<response> delete_message(request_context& ctx, const request& req);

// claims.cpp
net::awaitable<response> post_claim(request_context& ctx, const request& req);
net::awaitable<response> get_claim(request_context& ctx, const request& req);
net::awaitable<response> patch_claim(request_context& ctx, const request& req);
net::awaitable<response> delete_claim(request_context& ctx, const request& req);

// subscriptions.cpp
template <source_kind Kind>
net::awaitable<response> list_subscriptions(request_context& ctx, const request& req);
template <source_kind Kind>
net::awaitable<response> post_subscription(request_context& ctx, const request& req);
template <source_kind Kind>
net::awaitable<response> get_subscription(request_context& ctx, const request& req);
template <source_kind Kind>
net::awaitable<response> patch_subscription(request_context& ctx, const request& req);
template <source_kind Kind>
net::awaitable<response> delete_subscription(request_context& ctx, const request& req);
template <source_kind Kind>
net::awaitable<response> put_subscription_confirm(request_context& ctx, const request& req);

// pools.cpp
net::awaitable<response> list_pools(request_context& ctx, const request& req);
net::awaitable<response> put_pool(request_context& ctx, const request& req);
net::awaitable<response> get_pool(request_context& ctx, const request& req);
net::awaitable<response> patch_pool(request_context& ctx, const request& req);
net::awaitable<response> delete_pool(request_context& ctx, const request& req);

// flavors.cpp
net::awaitable<response> list_flavors(request_context& ctx, const request& req);
net::awaitable<response> put_flavor(request_context& ctx, const request& req);
net::awaitable<response> get_flavor(request_context& ctx, const request& req);
net::awaitable<response> patch_flavor(request_context& ctx, const request& req);
net::awaitable<response> delete_flavor(request_context& ctx, const request& req);

/// The pool service; only pooling routes (registered only when pooling is on) may call it.
core::pool_service& pools_of(request_context& ctx);

/// A pool or flavor listing's `links`: one `next` link after `last` (none for an empty page),
/// repeating limit and, when the request gave it, detailed.
boost::json::array admin_listing_links(std::string_view collection_path, const std::string* last,
                                       std::int64_t limit, std::optional<bool> detailed);

/// Where a route acts: the stored address, and the path the client's hrefs start with.
struct source_target {
    core::queue_address address;
    std::string path;  ///< `/v2/queues/{name}` or `/v2/topics/{name}`
};

/// The queue or topic named by the first path parameter, validated (400 "Invalid queue
/// identification", "Invalid topic identification"), in the caller's project.
core::queue_address address_of(const source_traits& kind, const request_context& ctx,
                               const request& req);
/// As address_of, with the path the client's hrefs start with.
source_target target_of(const source_traits& kind, const request_context& ctx, const request& req);

/// The queue named by the first path parameter (claims and shares are queues' alone).
inline core::queue_address queue_of(const request_context& ctx, const request& req) {
    return address_of(queue_traits, ctx, req);
}

}  // namespace marconi::api::v2
