// Marconi. The node actions: get_home_doc, check_node_health, ping_node.
#include "api/codec/home_document.hpp"
#include "api/ws/action_steps.hpp"
#include "core/health_check.hpp"

namespace marconi::api::ws::steps {

namespace json = boost::json;

net::awaitable<reply> get_home_doc(action_context& ctx, const frame&) {
    co_return reply{200, home_document(api_version::v2, ctx.admin_mode)};
}

net::awaitable<reply> check_node_health(action_context& ctx, const frame&) {
    auto health = co_await core::check_health(ctx.services);
    // A failed check is an error reply whose "error" is the whole report.
    if (!health.reachable) {
        json::object failed;
        failed["error"] = std::move(health.report);
        co_return reply{503, std::move(failed)};
    }
    co_return reply{200, std::move(health.report)};
}

net::awaitable<reply> ping_node(action_context& ctx, const frame&) {
    // Answered from the background probe, as GET /v2/ping.
    if (!ctx.services.probe.up()) co_return reply{503, json::object{{"error", nullptr}}};
    co_return reply{204, json::object{}};
}

}  // namespace marconi::api::ws::steps
