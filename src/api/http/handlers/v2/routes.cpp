// Marconi. The v2 route table: one line per (method, path), with Zaqar's policy rule. The routes
// of queues and topics are written once (source_routes) and registered for each source kind.
#include <array>
#include <deque>
#include <string>
#include <vector>

#include "api/http/handlers/v2/handlers.hpp"
#include "api/http/router.hpp"

namespace marconi::api {

namespace {

using m = method;
using v2::source_kind;
using v2::source_traits;

constexpr std::array head_routes{
    route{m::get, "/", v2::get_versions, {}, scope::open},
    route{m::get, "/v2", v2::get_home},
    route{m::get, "/v2/ping", v2::get_ping, "ping:get"},
    route{m::head, "/v2/ping", v2::head_ping, "ping:get"},
    route{m::get, "/v2/health", v2::get_health, "health:get", scope::admin},
    route{m::head, "/v2/health", v2::head_health, "health:get", scope::admin},
};

/// A route of every source kind: its path after `/v2/{collection}`, where `{}` is the kind's
/// name parameter, and its policy rule, where a leading ':' stands for the collection
/// (":create" is queues:create for queues, topics:create for topics).
struct source_route {
    method verb;
    std::string_view path;
    handler handle;
    std::string_view rule;
    /// Set: served only for the kinds whose field this names is true.
    bool source_traits::*only_if = nullptr;
};

template <source_kind Kind>
constexpr std::array source_routes{
    source_route{m::get, "", v2::list_sources<Kind>, ":get_all"},
    source_route{m::put, "/{}", v2::put_source<Kind>, ":create"},
    source_route{m::get, "/{}", v2::get_source<Kind>, ":get"},
    source_route{m::patch, "/{}", v2::patch_source<Kind>, ":update"},
    source_route{m::delete_, "/{}", v2::delete_source<Kind>, ":delete"},
    source_route{m::get, "/{}/stats", v2::get_source_stats<Kind>, ":stats"},
    source_route{m::post, "/{}/purge", v2::post_source_purge<Kind>, ":purge"},
    source_route{m::post, "/{}/share", v2::post_queue_share, ":share", &source_traits::shares},

    source_route{m::post, "/{}/messages", v2::post_messages<Kind>, "messages:create"},
    source_route{m::get, "/{}/messages", v2::get_messages<Kind>, "messages:get_all"},
    source_route{m::delete_, "/{}/messages", v2::delete_messages<Kind>, "messages:delete_all"},
    source_route{m::get, "/{}/messages/{message_id}", v2::get_message<Kind>, "messages:get"},
    source_route{m::delete_, "/{}/messages/{message_id}", v2::delete_message<Kind>,
                 "messages:delete"},

    source_route{m::post, "/{}/claims", v2::post_claim, "claims:create", &source_traits::claims},
    source_route{m::get, "/{}/claims/{claim_id}", v2::get_claim, "claims:get",
                 &source_traits::claims},
    source_route{m::patch, "/{}/claims/{claim_id}", v2::patch_claim, "claims:update",
                 &source_traits::claims},
    source_route{m::delete_, "/{}/claims/{claim_id}", v2::delete_claim, "claims:delete",
                 &source_traits::claims},

    source_route{m::get, "/{}/subscriptions", v2::list_subscriptions<Kind>, "subscription:get_all"},
    source_route{m::post, "/{}/subscriptions", v2::post_subscription<Kind>, "subscription:create"},
    source_route{m::get, "/{}/subscriptions/{subscription_id}", v2::get_subscription<Kind>,
                 "subscription:get"},
    source_route{m::patch, "/{}/subscriptions/{subscription_id}", v2::patch_subscription<Kind>,
                 "subscription:update"},
    source_route{m::delete_, "/{}/subscriptions/{subscription_id}", v2::delete_subscription<Kind>,
                 "subscription:delete"},
    source_route{m::put, "/{}/subscriptions/{subscription_id}/confirm",
                 v2::put_subscription_confirm<Kind>, "subscription:confirm"},
};

constexpr std::array admin_routes{
    route{m::get, "/v2/pools", v2::list_pools, "pools:get_all", scope::pooling},
    route{m::put, "/v2/pools/{pool_name}", v2::put_pool, "pools:create", scope::pooling},
    route{m::get, "/v2/pools/{pool_name}", v2::get_pool, "pools:get", scope::pooling},
    route{m::patch, "/v2/pools/{pool_name}", v2::patch_pool, "pools:update", scope::pooling},
    route{m::delete_, "/v2/pools/{pool_name}", v2::delete_pool, "pools:delete", scope::pooling},

    route{m::get, "/v2/flavors", v2::list_flavors, "flavors:get_all", scope::pooling},
    route{m::put, "/v2/flavors/{flavor_name}", v2::put_flavor, "flavors:create", scope::pooling},
    route{m::get, "/v2/flavors/{flavor_name}", v2::get_flavor, "flavors:get", scope::pooling},
    route{m::patch, "/v2/flavors/{flavor_name}", v2::patch_flavor, "flavors:update",
          scope::pooling},
    route{m::delete_, "/v2/flavors/{flavor_name}", v2::delete_flavor, "flavors:delete",
          scope::pooling},
};

/// Every v2 route, with the path and rule texts the source routes' expansions view. Built once
/// and never moved or changed; shared by all threads.
class route_table {
public:
    route_table() {
        routes_.assign(head_routes.begin(), head_routes.end());
        add_source_routes<source_kind::queue>();
        add_source_routes<source_kind::topic>();
        routes_.insert(routes_.end(), admin_routes.begin(), admin_routes.end());
    }
    route_table(const route_table&) = delete;
    route_table& operator=(const route_table&) = delete;

    std::span<const route> routes() const { return routes_; }

private:
    template <source_kind Kind>
    void add_source_routes() {
        const auto& kind = v2::traits_of(Kind);
        const std::string collection{kind.collection};
        for (const auto& r : source_routes<Kind>) {
            if (r.only_if && !(kind.*r.only_if)) continue;
            std::string path = "/v2/" + collection;
            path += r.path;
            if (auto at = path.find("{}"); at != std::string::npos) {
                path.replace(at, 2, kind.parameter);
            }
            const std::string rule =
                r.rule.starts_with(':') ? collection + std::string(r.rule) : std::string(r.rule);
            routes_.push_back(route{r.verb, keep(std::move(path)), r.handle, keep(rule)});
        }
    }

    std::string_view keep(std::string text) { return texts_.emplace_back(std::move(text)); }

    std::deque<std::string> texts_;  ///< never reallocates what it holds
    std::vector<route> routes_;
};

}  // namespace

std::span<const route> v2_routes() {
    static const route_table table;
    return table.routes();
}

}  // namespace marconi::api
