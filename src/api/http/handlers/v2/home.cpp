// Marconi. GET / (versions), GET /v2/ and /v1.1/ (json-home), ping and the admin health check.
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "api/codec/home_document.hpp"
#include "api/http/handlers/v2/handlers.hpp"
#include "core/health_check.hpp"
#include "storage/contract/error.hpp"

namespace marconi::api::v2 {

namespace json = boost::json;

namespace {

json::object version(std::string_view id, std::string_view status, std::string_view updated,
                     std::string_view media_type, std::string_view href) {
    return json::object{{"id", id},
                        {"status", status},
                        {"updated", updated},
                        {"media-types", json::array{json::object{{"base", "application/json"},
                                                                 {"type", media_type}}}},
                        {"links", json::array{json::object{{"href", href}, {"rel", "self"}}}}};
}

}  // namespace

net::awaitable<response> get_versions(request_context& ctx, const request&) {
    // Zaqar lists all three whatever it serves; this lists what is served, so a client never
    // follows a link to 404s.
    json::array versions;
    if (ctx.served.contains(api_version::v1_0)) {
        versions.push_back(version("1", "DEPRECATED", "2014-9-11T17:47:05Z",
                                   "application/vnd.openstack.messaging-v1+json", "/v1/"));
    }
    if (ctx.served.contains(api_version::v1_1)) {
        versions.push_back(version("1.1", "DEPRECATED", "2016-7-29T02:22:47Z",
                                   "application/vnd.openstack.messaging-v1_1+json", "/v1.1/"));
    }
    versions.push_back(version("2", "CURRENT", "2014-9-24T04:06:47Z",
                               "application/vnd.openstack.messaging-v2+json", "/v2/"));
    co_return response::json(300, json::serialize(json::object{{"versions", std::move(versions)}}));
}

net::awaitable<response> get_home(request_context& ctx, const request&) {
    auto reply =
        response{200, "application/json-home", home_document_text(ctx.version, ctx.admin_mode), {}};
    reply.with_header("Cache-Control", "max-age=86400");
    co_return reply;
}

net::awaitable<response> get_ping(request_context& ctx, const request&) {
    // Answered from the background probe: a ping must stay cheap enough for load balancers
    // to poll, and still report a store that stopped answering within one probe interval.
    co_return response::empty(ctx.services.probe.up() ? 204 : 503);
}

net::awaitable<response> head_ping(request_context&, const request&) {
    co_return response::empty(204);
}

net::awaitable<response> get_health(request_context& ctx, const request&) {
    auto health = co_await core::check_health(ctx.services);
    const unsigned status = health.reachable ? 200 : 503;
    co_return response::json(status, json::serialize(health.report));
}

net::awaitable<response> head_health(request_context& ctx, const request&) {
    const bool up = co_await ctx.services.probe.ping_now();
    co_return response::empty(up ? 204 : 503);
}

}  // namespace marconi::api::v2
