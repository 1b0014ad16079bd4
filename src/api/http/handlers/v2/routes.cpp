// Marconi. The v2 route table: one line per (method, path).
#include <array>

#include "api/http/handlers/v2/handlers.hpp"
#include "api/http/router.hpp"

namespace marconi::api {

std::span<const route> v2_routes() {
    using m = method;
    static const std::array table{
        route{m::get, "/", v2::get_versions, scope::open},
        route{m::get, "/v2", v2::get_home},
        route{m::get, "/v2/ping", v2::get_ping},
        route{m::head, "/v2/ping", v2::head_ping},
        route{m::get, "/v2/health", v2::get_health, scope::admin},
        route{m::head, "/v2/health", v2::head_health, scope::admin},

        route{m::get, "/v2/queues", v2::list_queues},
        route{m::put, "/v2/queues/{queue_name}", v2::put_queue},
        route{m::get, "/v2/queues/{queue_name}", v2::get_queue},
        route{m::patch, "/v2/queues/{queue_name}", v2::patch_queue},
        route{m::delete_, "/v2/queues/{queue_name}", v2::delete_queue},
        route{m::get, "/v2/queues/{queue_name}/stats", v2::get_queue_stats},
        route{m::post, "/v2/queues/{queue_name}/purge", v2::post_queue_purge},

        route{m::post, "/v2/queues/{queue_name}/messages", v2::post_messages},
        route{m::get, "/v2/queues/{queue_name}/messages", v2::get_messages},
        route{m::delete_, "/v2/queues/{queue_name}/messages", v2::delete_messages},
        route{m::get, "/v2/queues/{queue_name}/messages/{message_id}", v2::get_message},
        route{m::delete_, "/v2/queues/{queue_name}/messages/{message_id}", v2::delete_message},

        route{m::post, "/v2/queues/{queue_name}/claims", v2::post_claim},
        route{m::get, "/v2/queues/{queue_name}/claims/{claim_id}", v2::get_claim},
        route{m::patch, "/v2/queues/{queue_name}/claims/{claim_id}", v2::patch_claim},
        route{m::delete_, "/v2/queues/{queue_name}/claims/{claim_id}", v2::delete_claim},
    };
    return table;
}

}  // namespace marconi::api
