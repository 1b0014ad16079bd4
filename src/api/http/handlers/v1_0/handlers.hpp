// Marconi. The v1.0 handlers that differ from v2's (Zaqar's wsgi/v1_0); routes.cpp serves v2's
// for the rest. v1.0 answers an empty listing with 204, shows messages by href alone, posts
// a bare array, keeps queue metadata under its own resource and creates queues only on PUT.
#pragma once

#include "api/http/handler.hpp"

namespace marconi::api::v1_0 {

// queues.cpp
net::awaitable<response> list_queues(request_context& ctx, const request& req);
net::awaitable<response> put_queue(request_context& ctx, const request& req);
/// GET and HEAD: 204 if the queue exists, else 404 without a body.
net::awaitable<response> queue_exists(request_context& ctx, const request& req);
net::awaitable<response> get_queue_metadata(request_context& ctx, const request& req);
net::awaitable<response> put_queue_metadata(request_context& ctx, const request& req);
net::awaitable<response> get_queue_stats(request_context& ctx, const request& req);

// messages.cpp
net::awaitable<response> post_messages(request_context& ctx, const request& req);
net::awaitable<response> get_messages(request_context& ctx, const request& req);
net::awaitable<response> delete_messages(request_context& ctx, const request& req);
net::awaitable<response> get_message(request_context& ctx, const request& req);

// claims.cpp
net::awaitable<response> post_claim(request_context& ctx, const request& req);
net::awaitable<response> get_claim(request_context& ctx, const request& req);
net::awaitable<response> patch_claim(request_context& ctx, const request& req);

}  // namespace marconi::api::v1_0
