// Marconi. The v1.1 route table (Zaqar's wsgi/v1_1/__init__.py): queues, messages, claims,
// ping, and for admins health, pools and flavors. No topics, subscriptions, purge or share.
// Most routes run v2's handlers, which write hrefs under the route's version; the rules are
// v2's, as Zaqar's policy has one set for both.
#include <array>

#include "api/http/handlers/v1_1/handlers.hpp"
#include "api/http/handlers/v2/handlers.hpp"
#include "api/http/router.hpp"

namespace marconi::api {

namespace {

using m = method;
using v2::source_kind;
constexpr auto q = source_kind::queue;
constexpr auto v1_1 = api_version::v1_1;
constexpr auto project = scope::project;
constexpr auto admin = scope::admin;
constexpr auto pooling = scope::pooling;

constexpr std::array routes{
    route{m::get, "/v1.1", v2::get_home, {}, project, v1_1},
    route{m::get, "/v1.1/ping", v2::get_ping, "ping:get", project, v1_1},
    route{m::head, "/v1.1/ping", v2::head_ping, "ping:get", project, v1_1},
    route{m::get, "/v1.1/health", v2::get_health, "health:get", admin, v1_1},

    route{m::get, "/v1.1/queues", v1_1::list_queues, "queues:get_all", project, v1_1},
    route{m::put, "/v1.1/queues/{queue_name}", v2::put_source<q>, "queues:create", project, v1_1},
    route{m::get, "/v1.1/queues/{queue_name}", v1_1::get_queue, "queues:get", project, v1_1},
    route{m::delete_, "/v1.1/queues/{queue_name}", v2::delete_source<q>, "queues:delete", project,
          v1_1},
    route{m::get, "/v1.1/queues/{queue_name}/stats", v2::get_source_stats<q>, "queues:stats",
          project, v1_1},

    route{m::post, "/v1.1/queues/{queue_name}/messages", v2::post_messages<q>, "messages:create",
          project, v1_1},
    route{m::get, "/v1.1/queues/{queue_name}/messages", v2::get_messages<q>, "messages:get_all",
          project, v1_1},
    route{m::delete_, "/v1.1/queues/{queue_name}/messages", v2::delete_messages<q>,
          "messages:delete_all", project, v1_1},
    route{m::get, "/v1.1/queues/{queue_name}/messages/{message_id}", v2::get_message<q>,
          "messages:get", project, v1_1},
    route{m::delete_, "/v1.1/queues/{queue_name}/messages/{message_id}", v2::delete_message<q>,
          "messages:delete", project, v1_1},

    route{m::post, "/v1.1/queues/{queue_name}/claims", v2::post_claim, "claims:create", project,
          v1_1},
    route{m::get, "/v1.1/queues/{queue_name}/claims/{claim_id}", v2::get_claim, "claims:get",
          project, v1_1},
    route{m::patch, "/v1.1/queues/{queue_name}/claims/{claim_id}", v2::patch_claim, "claims:update",
          project, v1_1},
    route{m::delete_, "/v1.1/queues/{queue_name}/claims/{claim_id}", v2::delete_claim,
          "claims:delete", project, v1_1},

    route{m::get, "/v1.1/pools", v2::list_pools, "pools:get_all", pooling, v1_1},
    route{m::put, "/v1.1/pools/{pool_name}", v2::put_pool, "pools:create", pooling, v1_1},
    route{m::get, "/v1.1/pools/{pool_name}", v2::get_pool, "pools:get", pooling, v1_1},
    route{m::patch, "/v1.1/pools/{pool_name}", v2::patch_pool, "pools:update", pooling, v1_1},
    route{m::delete_, "/v1.1/pools/{pool_name}", v2::delete_pool, "pools:delete", pooling, v1_1},

    route{m::get, "/v1.1/flavors", v2::list_flavors, "flavors:get_all", pooling, v1_1},
    route{m::put, "/v1.1/flavors/{flavor_name}", v2::put_flavor, "flavors:create", pooling, v1_1},
    route{m::get, "/v1.1/flavors/{flavor_name}", v2::get_flavor, "flavors:get", pooling, v1_1},
    route{m::patch, "/v1.1/flavors/{flavor_name}", v2::patch_flavor, "flavors:update", pooling,
          v1_1},
    route{m::delete_, "/v1.1/flavors/{flavor_name}", v2::delete_flavor, "flavors:delete", pooling,
          v1_1},
};

}  // namespace

std::span<const route> v1_1_routes() { return routes; }

}  // namespace marconi::api
