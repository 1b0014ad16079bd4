// Marconi. What the v1.0 handlers share.
#pragma once

#include "api/http/handler.hpp"
#include "storage/contract/error.hpp"

namespace marconi::api::v1_0 {

/// Zaqar's QueueDoesNotExist (404), as v1.0 words it.
core::error queue_not_found(const request_context& ctx, const core::queue_address& queue);

/// Throws queue_not_found unless the queue exists: v1.0 writes only to created queues.
net::awaitable<void> require_queue(request_context& ctx, core::queue_address queue);

/// Client-ID, which v1.0 requires only of message posts and listings (Zaqar's
/// get_client_uuid); the header checks already refused a malformed one.
const core::client_id& required_client(const request_context& ctx);

}  // namespace marconi::api::v1_0
