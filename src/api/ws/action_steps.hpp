// Marconi. The steps of the WebSocket action table (action_table.cpp), one file per resource:
// each maps a frame's body to one core service call and renders its result as Zaqar does.
#pragma once

#include "api/ws/action_table.hpp"

namespace marconi::api::ws::steps {

// node_actions.cpp
net::awaitable<reply> get_home_doc(action_context& ctx, const frame& f);
net::awaitable<reply> check_node_health(action_context& ctx, const frame& f);
net::awaitable<reply> ping_node(action_context& ctx, const frame& f);

// queue_actions.cpp
net::awaitable<reply> queue_list(action_context& ctx, const frame& f);
net::awaitable<reply> queue_create(action_context& ctx, const frame& f);
net::awaitable<reply> queue_delete(action_context& ctx, const frame& f);
net::awaitable<reply> queue_get(action_context& ctx, const frame& f);
net::awaitable<reply> queue_get_stats(action_context& ctx, const frame& f);
net::awaitable<reply> queue_purge(action_context& ctx, const frame& f);

// message_actions.cpp
net::awaitable<reply> message_list(action_context& ctx, const frame& f);
net::awaitable<reply> message_get(action_context& ctx, const frame& f);
net::awaitable<reply> message_get_many(action_context& ctx, const frame& f);
net::awaitable<reply> message_post(action_context& ctx, const frame& f);
net::awaitable<reply> message_delete(action_context& ctx, const frame& f);
net::awaitable<reply> message_delete_many(action_context& ctx, const frame& f);

// claim_actions.cpp
net::awaitable<reply> claim_create(action_context& ctx, const frame& f);
net::awaitable<reply> claim_get(action_context& ctx, const frame& f);
net::awaitable<reply> claim_update(action_context& ctx, const frame& f);
net::awaitable<reply> claim_delete(action_context& ctx, const frame& f);

// admin_actions.cpp
net::awaitable<reply> pool_list(action_context& ctx, const frame& f);
net::awaitable<reply> pool_create(action_context& ctx, const frame& f);
net::awaitable<reply> pool_update(action_context& ctx, const frame& f);
net::awaitable<reply> pool_get(action_context& ctx, const frame& f);
net::awaitable<reply> pool_delete(action_context& ctx, const frame& f);
net::awaitable<reply> flavor_list(action_context& ctx, const frame& f);
net::awaitable<reply> flavor_create(action_context& ctx, const frame& f);
net::awaitable<reply> flavor_update(action_context& ctx, const frame& f);
net::awaitable<reply> flavor_get(action_context& ctx, const frame& f);
net::awaitable<reply> flavor_delete(action_context& ctx, const frame& f);

// subscription_actions.cpp
net::awaitable<reply> subscription_list(action_context& ctx, const frame& f);
net::awaitable<reply> subscription_create(action_context& ctx, const frame& f);
net::awaitable<reply> subscription_delete(action_context& ctx, const frame& f);
net::awaitable<reply> subscription_get(action_context& ctx, const frame& f);

}  // namespace marconi::api::ws::steps
