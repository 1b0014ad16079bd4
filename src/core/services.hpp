// Marconi. The domain services handlers call: they apply Zaqar's rules (defaults, limits, reserved
// metadata, dead-lettering) and delegate storage to the driver. Handlers never see a driver.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/limits.hpp"
#include "core/metadata_cache.hpp"
#include "core/pool_service.hpp"
#include "core/post_observer.hpp"
#include "core/queue_settings.hpp"
#include "core/quotas.hpp"
#include "core/storage_probe.hpp"
#include "core/subscription_service.hpp"
#include "storage/contract/driver.hpp"
#include "storage/contract/model.hpp"

namespace marconi::core {

namespace net = boost::asio;

/// A message as the client posted it, before defaults.
struct message_input {
    std::string body_json;
    std::optional<std::int64_t> ttl;
    std::optional<std::int64_t> delay;
};

/// Thread-safe: holds references to the driver and limits, and a thread-safe metadata cache.
class queue_service {
public:
    /// `cache_max_age` bounds how long a metadata change made by another server (sharing the
    /// store) can go unseen here; zero turns the cache off.
    queue_service(storage::data_driver& driver, const limits& limits, quota_guard& quotas,
                  const clock& clock, std::chrono::milliseconds cache_max_age)
        : driver_(driver),
          limits_(limits),
          quotas_(quotas),
          cache_(clock, cache_max_age, cache_capacity) {}

    /// Creates the queue with validated metadata; false when it already existed (metadata
    /// then stays as it was, as in Zaqar). A new queue beyond max_queues_per_project throws
    /// throttled_error.
    net::awaitable<bool> create(queue_address queue, boost::json::object metadata);
    /// Stored metadata plus the owner's reserved defaults. Throws queue_not_found, or
    /// topic_not_found for a topic (its address from core::topic_address).
    net::awaitable<boost::json::object> get(queue_address queue,
                                            metadata_owner owner = metadata_owner::queue);
    /// The stored metadata alone, as v1.1 shows it; a missing queue reads as get() reads it
    /// (`{}` with lazy_queue_get, else queue_not_found).
    net::awaitable<boost::json::object> get_stored(queue_address queue);
    /// The stored metadata alone; nullopt when the queue does not exist (v1.0's 404).
    net::awaitable<std::optional<boost::json::object>> find_stored(queue_address queue);
    /// Replaces the metadata (v1.0's PUT .../metadata), validated as a create's. Throws
    /// queue_not_found.
    net::awaitable<void> replace_metadata(queue_address queue, boost::json::object metadata);
    /// Whether the queue exists (v1.0 answers HEAD with it and refuses writes to a missing one).
    net::awaitable<bool> exists(queue_address queue);
    /// Applies a JSON-patch document; returns the new metadata with defaults.
    net::awaitable<boost::json::object> patch(queue_address queue, boost::json::value patch,
                                              metadata_owner owner = metadata_owner::queue);
    net::awaitable<void> remove(queue_address queue);
    net::awaitable<std::vector<queue_record>> list(project_id project, queue_list_options options);
    net::awaitable<std::int64_t> count(project_id project);
    net::awaitable<queue_stats> stats(queue_address queue);
    net::awaitable<void> purge_messages(queue_address queue);

    /// The stored metadata (`{}` when the queue does not exist) and the settings it implies,
    /// from the cache when possible: posts and claims call this on every request.
    net::awaitable<std::shared_ptr<const cached_queue>> cached(queue_address queue);

    /// A stored record's metadata as clients see it: stored keys plus reserved defaults.
    boost::json::object shown_metadata(const queue_record& record,
                                       metadata_owner owner = metadata_owner::queue) const;
    /// A stored record's metadata as stored (v1.1's detailed listing).
    static boost::json::object stored_metadata(const queue_record& record);

private:
    /// The queue's record; throws queue_not_found (topic_not_found for a topic).
    net::awaitable<queue_record> existing(queue_address queue, metadata_owner owner);

    static constexpr std::size_t cache_capacity = 16384;

    /// Throws throttled_error when the project already has its quota of queues and topics.
    net::awaitable<void> check_queue_quota(const queue_address& queue);

    storage::data_driver& driver_;
    const limits& limits_;
    quota_guard& quotas_;
    metadata_cache cache_;
};

class message_service {
public:
    message_service(storage::data_driver& driver, queue_service& queues, const limits& limits,
                    quota_guard& quotas)
        : driver_(driver), queues_(queues), limits_(limits), quotas_(quotas) {}

    /// Validates the batch against the queue's settings (size, ttl, delay), resolves defaults
    /// and stores it durably. `body_bytes` is the size of the request body. Over the
    /// project's post rate or the queue's message quota it throws throttled_error and stores
    /// nothing of the batch.
    net::awaitable<std::vector<message_id>> post(queue_address queue, client_id client,
                                                 std::vector<message_input> batch,
                                                 std::size_t body_bytes);
    net::awaitable<message_page> list(queue_address queue, message_list_options options);
    net::awaitable<std::vector<message>> get_many(queue_address queue, std::vector<message_id> ids);
    /// Throws message_not_found.
    net::awaitable<message> get(queue_address queue, message_id id);
    net::awaitable<void> remove(queue_address queue, message_id id, std::optional<claim_id> claim);
    net::awaitable<void> remove_many(queue_address queue, std::vector<message_id> ids,
                                     std::optional<std::vector<claim_id>> claims);
    net::awaitable<std::vector<message>> pop(queue_address queue, std::int64_t limit);

    /// Told about every committed post before post() returns (notifications); set once by the
    /// composition root before serving, or never.
    void set_post_observer(post_observer* observer) { observer_ = observer; }

private:
    storage::data_driver& driver_;
    queue_service& queues_;
    const limits& limits_;
    quota_guard& quotas_;
    post_observer* observer_ = nullptr;
};

class claim_service {
public:
    claim_service(storage::data_driver& driver, queue_service& queues, const limits& limits,
                  quota_guard& quotas)
        : driver_(driver), queues_(queues), limits_(limits), quotas_(quotas) {}

    /// Claims with validated options, omitted ones defaulted; nullopt when nothing is claimable.
    /// Over the project's claim rate it throws throttled_error.
    net::awaitable<std::optional<claim>> create(queue_address queue,
                                                std::optional<std::int64_t> ttl,
                                                std::optional<std::int64_t> grace,
                                                std::optional<std::int64_t> limit);
    net::awaitable<claim> get(queue_address queue, claim_id id);
    /// Renews the claim; an omitted ttl or grace takes its default, not the old value (Zaqar).
    net::awaitable<void> update(queue_address queue, claim_id id, std::optional<std::int64_t> ttl,
                                std::optional<std::int64_t> grace);
    net::awaitable<void> remove(queue_address queue, claim_id id);

private:
    storage::data_driver& driver_;
    queue_service& queues_;
    const limits& limits_;
    quota_guard& quotas_;
};

/// Everything a request handler may call. Built once by the composition root.
struct services {
    static constexpr std::chrono::milliseconds default_metadata_cache_age{5000};

    services(storage::data_driver& driver, const limits& limits, const clock& clock,
             std::chrono::milliseconds metadata_cache_age = default_metadata_cache_age,
             notification_options notification = {}, quota_options quota_settings = {})
        : limits(limits),
          quotas(std::move(quota_settings), clock),
          queues(driver, limits, quotas, clock, metadata_cache_age),
          messages(driver, queues, limits, quotas),
          claims(driver, queues, limits, quotas),
          subscriptions(driver, queues, limits, quotas, clock, notification),
          probe(driver) {}

    const core::limits& limits;
    quota_guard quotas;  ///< before the services that keep a reference to it
    queue_service queues;
    message_service messages;
    claim_service claims;
    subscription_service subscriptions;
    /// The app runs probe.run(); GET /v2/ping reads probe.up(), HEAD /v2/health ping_now().
    storage_probe probe;
    /// Pools and flavors; set (by the app) only when pooling is on.
    pool_service* pools = nullptr;
};

}  // namespace marconi::core
