// Marconi. The v2 route table: one line per (method, path), with Zaqar's policy rule.
#include <array>

#include "api/http/handlers/v2/handlers.hpp"
#include "api/http/router.hpp"

namespace marconi::api {

std::span<const route> v2_routes() {
    using m = method;
    static const std::array table{
        route{m::get, "/", v2::get_versions, {}, scope::open},
        route{m::get, "/v2", v2::get_home},
        route{m::get, "/v2/ping", v2::get_ping, "ping:get"},
        route{m::head, "/v2/ping", v2::head_ping, "ping:get"},
        route{m::get, "/v2/health", v2::get_health, "health:get", scope::admin},
        route{m::head, "/v2/health", v2::head_health, "health:get", scope::admin},

        route{m::get, "/v2/queues", v2::list_queues, "queues:get_all"},
        route{m::put, "/v2/queues/{queue_name}", v2::put_queue, "queues:create"},
        route{m::get, "/v2/queues/{queue_name}", v2::get_queue, "queues:get"},
        route{m::patch, "/v2/queues/{queue_name}", v2::patch_queue, "queues:update"},
        route{m::delete_, "/v2/queues/{queue_name}", v2::delete_queue, "queues:delete"},
        route{m::get, "/v2/queues/{queue_name}/stats", v2::get_queue_stats, "queues:stats"},
        route{m::post, "/v2/queues/{queue_name}/purge", v2::post_queue_purge, "queues:purge"},
        route{m::post, "/v2/queues/{queue_name}/share", v2::post_queue_share, "queues:share"},

        route{m::post, "/v2/queues/{queue_name}/messages", v2::post_messages, "messages:create"},
        route{m::get, "/v2/queues/{queue_name}/messages", v2::get_messages, "messages:get_all"},
        route{m::delete_, "/v2/queues/{queue_name}/messages", v2::delete_messages,
              "messages:delete_all"},
        route{m::get, "/v2/queues/{queue_name}/messages/{message_id}", v2::get_message,
              "messages:get"},
        route{m::delete_, "/v2/queues/{queue_name}/messages/{message_id}", v2::delete_message,
              "messages:delete"},

        route{m::post, "/v2/queues/{queue_name}/claims", v2::post_claim, "claims:create"},
        route{m::get, "/v2/queues/{queue_name}/claims/{claim_id}", v2::get_claim, "claims:get"},
        route{m::patch, "/v2/queues/{queue_name}/claims/{claim_id}", v2::patch_claim,
              "claims:update"},
        route{m::delete_, "/v2/queues/{queue_name}/claims/{claim_id}", v2::delete_claim,
              "claims:delete"},

        // Topics: queues in a namespace of their own (core::topic_address), without claims.
        route{m::get, "/v2/topics", v2::list_topics, "topics:get_all"},
        route{m::put, "/v2/topics/{topic_name}", v2::put_topic, "topics:create"},
        route{m::get, "/v2/topics/{topic_name}", v2::get_topic, "topics:get"},
        route{m::patch, "/v2/topics/{topic_name}", v2::patch_topic, "topics:update"},
        route{m::delete_, "/v2/topics/{topic_name}", v2::delete_topic, "topics:delete"},
        route{m::get, "/v2/topics/{topic_name}/stats", v2::get_topic_stats, "topics:stats"},
        route{m::post, "/v2/topics/{topic_name}/purge", v2::post_topic_purge, "topics:purge"},
        route{m::post, "/v2/topics/{topic_name}/messages", v2::post_topic_messages,
              "messages:create"},
        route{m::get, "/v2/topics/{topic_name}/messages", v2::get_topic_messages,
              "messages:get_all"},
        route{m::delete_, "/v2/topics/{topic_name}/messages", v2::delete_topic_messages,
              "messages:delete_all"},
        route{m::get, "/v2/topics/{topic_name}/messages/{message_id}", v2::get_topic_message,
              "messages:get"},
        route{m::delete_, "/v2/topics/{topic_name}/messages/{message_id}",
              v2::delete_topic_message, "messages:delete"},

        // Subscriptions of queues and of topics (source_kind says which the path names).
        route{m::get, "/v2/queues/{queue_name}/subscriptions",
              v2::list_subscriptions<v2::source_kind::queue>, "subscription:get_all"},
        route{m::post, "/v2/queues/{queue_name}/subscriptions",
              v2::post_subscription<v2::source_kind::queue>, "subscription:create"},
        route{m::get, "/v2/queues/{queue_name}/subscriptions/{subscription_id}",
              v2::get_subscription<v2::source_kind::queue>, "subscription:get"},
        route{m::patch, "/v2/queues/{queue_name}/subscriptions/{subscription_id}",
              v2::patch_subscription<v2::source_kind::queue>, "subscription:update"},
        route{m::delete_, "/v2/queues/{queue_name}/subscriptions/{subscription_id}",
              v2::delete_subscription<v2::source_kind::queue>, "subscription:delete"},
        route{m::put, "/v2/queues/{queue_name}/subscriptions/{subscription_id}/confirm",
              v2::put_subscription_confirm<v2::source_kind::queue>, "subscription:confirm"},
        route{m::get, "/v2/topics/{topic_name}/subscriptions",
              v2::list_subscriptions<v2::source_kind::topic>, "subscription:get_all"},
        route{m::post, "/v2/topics/{topic_name}/subscriptions",
              v2::post_subscription<v2::source_kind::topic>, "subscription:create"},
        route{m::get, "/v2/topics/{topic_name}/subscriptions/{subscription_id}",
              v2::get_subscription<v2::source_kind::topic>, "subscription:get"},
        route{m::patch, "/v2/topics/{topic_name}/subscriptions/{subscription_id}",
              v2::patch_subscription<v2::source_kind::topic>, "subscription:update"},
        route{m::delete_, "/v2/topics/{topic_name}/subscriptions/{subscription_id}",
              v2::delete_subscription<v2::source_kind::topic>, "subscription:delete"},
        route{m::put, "/v2/topics/{topic_name}/subscriptions/{subscription_id}/confirm",
              v2::put_subscription_confirm<v2::source_kind::topic>, "subscription:confirm"},

        route{m::get, "/v2/pools", v2::list_pools, "pools:get_all", scope::pooling},
        route{m::put, "/v2/pools/{pool_name}", v2::put_pool, "pools:create", scope::pooling},
        route{m::get, "/v2/pools/{pool_name}", v2::get_pool, "pools:get", scope::pooling},
        route{m::patch, "/v2/pools/{pool_name}", v2::patch_pool, "pools:update", scope::pooling},
        route{m::delete_, "/v2/pools/{pool_name}", v2::delete_pool, "pools:delete",
              scope::pooling},

        route{m::get, "/v2/flavors", v2::list_flavors, "flavors:get_all", scope::pooling},
        route{m::put, "/v2/flavors/{flavor_name}", v2::put_flavor, "flavors:create",
              scope::pooling},
        route{m::get, "/v2/flavors/{flavor_name}", v2::get_flavor, "flavors:get",
              scope::pooling},
        route{m::patch, "/v2/flavors/{flavor_name}", v2::patch_flavor, "flavors:update",
              scope::pooling},
        route{m::delete_, "/v2/flavors/{flavor_name}", v2::delete_flavor, "flavors:delete",
              scope::pooling},
    };
    return table;
}

}  // namespace marconi::api
