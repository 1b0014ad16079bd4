// Marconi. The v1.0 route table (Zaqar's wsgi/v1_0/__init__.py): queues with their metadata
// and stats, messages, claims, a public health check, and for admins with pooling the pools.
// Routes that behave as v2's run v2's handlers; the rules are v2's, as for v1.1.
#include <array>

#include "api/http/handlers/v1_0/handlers.hpp"
#include "api/http/handlers/v2/handlers.hpp"
#include "api/http/router.hpp"

namespace marconi::api {

namespace {

using m = method;
constexpr auto q = v2::source_kind::queue;
constexpr auto v1 = api_version::v1_0;
constexpr auto project = scope::project;
constexpr auto pooling = scope::pooling;

constexpr std::array routes{
    route{m::get, "/v1", v2::get_home, {}, project, v1},
    // v1.0's health is its ping: 204 while the store answers.
    route{m::get, "/v1/health", v2::get_ping, "ping:get", project, v1},
    route{m::head, "/v1/health", v2::head_ping, "ping:get", project, v1},

    route{m::get, "/v1/queues", v1_0::list_queues, "queues:get_all", project, v1},
    route{m::put, "/v1/queues/{queue_name}", v1_0::put_queue, "queues:create", project, v1},
    route{m::get, "/v1/queues/{queue_name}", v1_0::queue_exists, "queues:get", project, v1},
    route{m::head, "/v1/queues/{queue_name}", v1_0::queue_exists, "queues:get", project, v1},
    route{m::delete_, "/v1/queues/{queue_name}", v2::delete_source<q>, "queues:delete", project,
          v1},
    route{m::get, "/v1/queues/{queue_name}/metadata", v1_0::get_queue_metadata, "queues:get",
          project, v1},
    route{m::put, "/v1/queues/{queue_name}/metadata", v1_0::put_queue_metadata, "queues:update",
          project, v1},
    route{m::get, "/v1/queues/{queue_name}/stats", v1_0::get_queue_stats, "queues:stats", project,
          v1},

    route{m::post, "/v1/queues/{queue_name}/messages", v1_0::post_messages, "messages:create",
          project, v1},
    route{m::get, "/v1/queues/{queue_name}/messages", v1_0::get_messages, "messages:get_all",
          project, v1},
    route{m::delete_, "/v1/queues/{queue_name}/messages", v1_0::delete_messages,
          "messages:delete_all", project, v1},
    route{m::get, "/v1/queues/{queue_name}/messages/{message_id}", v1_0::get_message,
          "messages:get", project, v1},
    route{m::delete_, "/v1/queues/{queue_name}/messages/{message_id}", v2::delete_message<q>,
          "messages:delete", project, v1},

    route{m::post, "/v1/queues/{queue_name}/claims", v1_0::post_claim, "claims:create", project,
          v1},
    route{m::get, "/v1/queues/{queue_name}/claims/{claim_id}", v1_0::get_claim, "claims:get",
          project, v1},
    route{m::patch, "/v1/queues/{queue_name}/claims/{claim_id}", v1_0::patch_claim, "claims:update",
          project, v1},
    route{m::delete_, "/v1/queues/{queue_name}/claims/{claim_id}", v2::delete_claim,
          "claims:delete", project, v1},

    route{m::get, "/v1/pools", v2::list_pools, "pools:get_all", pooling, v1},
    route{m::put, "/v1/pools/{pool_name}", v2::put_pool, "pools:create", pooling, v1},
    route{m::get, "/v1/pools/{pool_name}", v2::get_pool, "pools:get", pooling, v1},
    route{m::patch, "/v1/pools/{pool_name}", v2::patch_pool, "pools:update", pooling, v1},
    route{m::delete_, "/v1/pools/{pool_name}", v2::delete_pool, "pools:delete", pooling, v1},
};

}  // namespace

std::span<const route> v1_0_routes() { return routes; }

}  // namespace marconi::api
