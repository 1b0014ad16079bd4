// Marconi.
#include "api/http/handlers/v1_0/v1_0.hpp"

#include "core/validation.hpp"

namespace marconi::api::v1_0 {

core::error queue_not_found(const request_context& ctx, const core::queue_address& queue) {
    // A project-less request's project prints as Python's None.
    const auto& project = ctx.project.value();
    return core::error(core::errc::queue_not_found,
                       "Queue " + queue.name.value() + " does not exist for project " +
                           (project.empty() ? std::string("None") : project));
}

net::awaitable<void> require_queue(request_context& ctx, core::queue_address queue) {
    // By value, and the answer in a named local: g++ 12 mishandles a reference parameter
    // read across a co_await inside a condition.
    const bool found = co_await ctx.services.queues.exists(queue);
    if (!found) throw queue_not_found(ctx, queue);
}

const core::client_id& required_client(const request_context& ctx) {
    if (ctx.client.value().empty()) core::validate_client_id(std::nullopt, ctx.services.limits);
    return ctx.client;
}

}  // namespace marconi::api::v1_0
