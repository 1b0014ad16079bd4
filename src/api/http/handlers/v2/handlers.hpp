// Marconi. The v2 handlers, one file per resource; registered in routes.cpp.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "api/http/handler.hpp"

namespace marconi::api::v2 {

// home.cpp
net::awaitable<response> get_versions(request_context& ctx, const request& req);
net::awaitable<response> get_home(request_context& ctx, const request& req);
net::awaitable<response> get_ping(request_context& ctx, const request& req);
net::awaitable<response> head_ping(request_context& ctx, const request& req);
net::awaitable<response> get_health(request_context& ctx, const request& req);
net::awaitable<response> head_health(request_context& ctx, const request& req);

// queues.cpp
net::awaitable<response> list_queues(request_context& ctx, const request& req);
net::awaitable<response> put_queue(request_context& ctx, const request& req);
net::awaitable<response> get_queue(request_context& ctx, const request& req);
net::awaitable<response> patch_queue(request_context& ctx, const request& req);
net::awaitable<response> delete_queue(request_context& ctx, const request& req);
net::awaitable<response> get_queue_stats(request_context& ctx, const request& req);
net::awaitable<response> post_queue_purge(request_context& ctx, const request& req);

// share.cpp
net::awaitable<response> post_queue_share(request_context& ctx, const request& req);

// messages.cpp
net::awaitable<response> post_messages(request_context& ctx, const request& req);
net::awaitable<response> get_messages(request_context& ctx, const request& req);
net::awaitable<response> delete_messages(request_context& ctx, const request& req);
net::awaitable<response> get_message(request_context& ctx, const request& req);
net::awaitable<response> delete_message(request_context& ctx, const request& req);

// messages.cpp, the same under /v2/topics/{topic_name}
net::awaitable<response> post_topic_messages(request_context& ctx, const request& req);
net::awaitable<response> get_topic_messages(request_context& ctx, const request& req);
net::awaitable<response> delete_topic_messages(request_context& ctx, const request& req);
net::awaitable<response> get_topic_message(request_context& ctx, const request& req);
net::awaitable<response> delete_topic_message(request_context& ctx, const request& req);

// topics.cpp
net::awaitable<response> list_topics(request_context& ctx, const request& req);
net::awaitable<response> put_topic(request_context& ctx, const request& req);
net::awaitable<response> get_topic(request_context& ctx, const request& req);
net::awaitable<response> patch_topic(request_context& ctx, const request& req);
net::awaitable<response> delete_topic(request_context& ctx, const request& req);
net::awaitable<response> get_topic_stats(request_context& ctx, const request& req);
net::awaitable<response> post_topic_purge(request_context& ctx, const request& req);

// claims.cpp
net::awaitable<response> post_claim(request_context& ctx, const request& req);
net::awaitable<response> get_claim(request_context& ctx, const request& req);
net::awaitable<response> patch_claim(request_context& ctx, const request& req);
net::awaitable<response> delete_claim(request_context& ctx, const request& req);

// subscriptions.cpp: each handler serves a queue's subscriptions and a topic's.
enum class source_kind { queue, topic };
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
boost::json::array admin_listing_links(std::string_view collection_path,
                                       const std::string* last, std::int64_t limit,
                                       std::optional<bool> detailed);

/// The queue named by the first path parameter, validated (400 "Invalid queue
/// identification"), in the caller's project.
core::queue_address queue_of(const request_context& ctx, const request& req);

/// Where a message route acts: the stored address, and the path the client's hrefs start with.
struct message_target {
    core::queue_address address;
    std::string path;  ///< `/v2/queues/{name}` or `/v2/topics/{name}`
};

/// The queue named by the first path parameter (as queue_of).
message_target queue_target(const request_context& ctx, const request& req);

/// The topic named by the first path parameter, validated (400 "Invalid topic
/// identification"): queue {name} of core::topic_address(project, name).
message_target topic_target(const request_context& ctx, const request& req);

/// PUT /v2/queues/Q and /v2/topics/T (queues.cpp): the metadata in the body ({} if none),
/// size-checked.
boost::json::object parse_put_metadata(const request_context& ctx, const request& req);

/// PATCH of queue or topic metadata (queues.cpp): the JSON-patch array, after Zaqar's checks
/// of size, media type and emptiness.
boost::json::value parse_metadata_patch(const request_context& ctx, const request& req);

/// GET /v2/queues and GET /v2/topics (queues.cpp): one page of names, with Zaqar's parameters.
net::awaitable<response> list_collection(request_context& ctx, const request& req,
                                         core::metadata_owner owner);

}  // namespace marconi::api::v2
