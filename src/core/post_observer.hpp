// Marconi. What message_service tells about posts that committed, so that a listener outside
// core (the notification outbox in src/notify) can act on them without core depending on it.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/contract/ids.hpp"

namespace marconi::core {

namespace net = boost::asio;

/// One committed message, as Zaqar's notifier sees it (the posted message with its defaults).
struct posted_message {
    message_id id;
    std::string body_json;
    std::int64_t ttl = 0;
    std::optional<std::int64_t> delay;  ///< set when the client gave one or the queue delays
};

/// Called by message_service::post after the batch has committed and before the post returns;
/// whatever it must make durable (pending notifications) is durable when it completes. A
/// throw fails the post (the messages stay: the client sees 503 and may post again).
/// Implementations are safe to call from any io thread at once.
class post_observer {
public:
    virtual ~post_observer() = default;
    /// False when posts to `source` need not be reported (no subscriptions): checked before
    /// the post, so that such posts copy nothing; meant to be answered from a cache.
    virtual net::awaitable<bool> watches(queue_address source) = 0;
    virtual net::awaitable<void> messages_posted(queue_address source,
                                                 std::vector<posted_message> messages) = 0;
};

}  // namespace marconi::core
