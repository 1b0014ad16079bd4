// Marconi. The v1.1 handlers that differ from v2's; routes.cpp serves v2's for the rest.
#pragma once

#include "api/http/handler.hpp"

namespace marconi::api::v1_1 {

// queues.cpp: v1.1 shows a queue's metadata as stored (no reserved defaults), and lists
// queues without v2's name, metadata and count filters.
net::awaitable<response> list_queues(request_context& ctx, const request& req);
net::awaitable<response> get_queue(request_context& ctx, const request& req);

}  // namespace marconi::api::v1_1
