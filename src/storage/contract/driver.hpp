// Marconi. The storage contract: what every message-store driver guarantees.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/contract/model.hpp"
#include "storage/contract/subscription_store.hpp"

namespace marconi::storage {

namespace net = boost::asio;

/// One message store (SQLite, Redis, PostgreSQL). All operations are safe to call concurrently
/// from any io thread; each resumes the calling coroutine on its own executor. Failures are
/// thrown as core::error: the queue/message/claim codes below, or errc::unavailable when the
/// engine fails (nothing is half-written in that case).
///
/// Semantics every driver keeps (tests/conformance pins them):
/// - messages of a queue are listed and claimed in post order;
/// - a write has committed durably when its awaitable completes;
/// - expired messages and claims are never returned (checked against the injected clock);
/// - everything is scoped by project.
class data_driver {
public:
    virtual ~data_driver() = default;

    // --- queues ---------------------------------------------------------------------------
    /// Creates the queue with this metadata unless it exists; true when it was created.
    virtual net::awaitable<bool> create_queue(core::queue_address queue,
                                              std::string metadata_json) = 0;
    virtual net::awaitable<std::optional<core::queue_record>> get_queue(
        core::queue_address queue) = 0;
    /// Replaces the metadata. Throws queue_not_found.
    virtual net::awaitable<void> set_queue_metadata(core::queue_address queue,
                                                    std::string metadata_json) = 0;
    /// Deletes the queue with its messages and claims. Idempotent.
    virtual net::awaitable<void> delete_queue(core::queue_address queue) = 0;
    /// A page of the project's queues in name order, after `marker`.
    virtual net::awaitable<std::vector<core::queue_record>> list_queues(
        core::project_id project, core::queue_list_options options) = 0;
    virtual net::awaitable<std::int64_t> count_queues(core::project_id project) = 0;
    /// Zeros for a queue that does not exist.
    virtual net::awaitable<core::queue_stats> get_queue_stats(core::queue_address queue) = 0;
    /// Deletes every message and claim of the queue; the queue stays.
    virtual net::awaitable<void> purge_messages(core::queue_address queue) = 0;

    // --- messages -------------------------------------------------------------------------
    /// Stores the batch atomically and in order, creating the queue if needed. Returns the
    /// ids in batch order.
    virtual net::awaitable<std::vector<core::message_id>> post_messages(
        core::queue_address queue, core::client_id client,
        std::vector<core::new_message> batch) = 0;
    /// A page in post order. Hides delayed messages unless include_delayed, claimed ones
    /// unless include_claimed, and the client's own unless echo.
    virtual net::awaitable<core::message_page> list_messages(
        core::queue_address queue, core::message_list_options options) = 0;
    /// The live messages among `ids`, in the order given; unknown or expired ids are skipped.
    virtual net::awaitable<std::vector<core::message>> get_messages(
        core::queue_address queue, std::vector<core::message_id> ids) = 0;
    /// Deletes one message under Zaqar's claim rules:
    /// - missing message: success, whatever the claim;
    /// - live claim, no claim id given: message_claimed;
    /// - live claim, the id of another live claim: message_claimed;
    /// - live claim, an unknown or expired claim id: claim_invalid;
    /// - no live claim, claim id given: message_not_claimed (claim_invalid if that claim id is
    ///   malformed, unknown or expired).
    virtual net::awaitable<void> delete_message(core::queue_address queue, core::message_id id,
                                                std::optional<core::claim_id> claim) = 0;
    /// Deletes the listed messages; unknown ids are ignored. With `claims`, only messages held by
    /// one of those live claims are deleted and any other listed message fails the whole call
    /// with claim_invalid, deleting nothing.
    virtual net::awaitable<void> delete_messages(
        core::queue_address queue, std::vector<core::message_id> ids,
        std::optional<std::vector<core::claim_id>> claims) = 0;
    /// Atomically removes and returns up to `limit` unclaimed, visible messages, oldest first.
    virtual net::awaitable<std::vector<core::message>> pop_messages(core::queue_address queue,
                                                                    std::int64_t limit) = 0;

    // --- claims ---------------------------------------------------------------------------
    /// Claims up to `limit` of the oldest visible, unclaimed messages for `ttl` seconds and
    /// extends any of their lifetimes that would end sooner to ttl + grace. Every claim bumps
    /// the messages' claim_count. With a dead-letter policy, a message already claimed
    /// max_claim_count times moves to the policy's queue instead (same project, created if
    /// needed). Returns nullopt when nothing could be claimed.
    virtual net::awaitable<std::optional<core::claim>> create_claim(
        core::queue_address queue, core::claim_options options,
        std::optional<core::dead_letter_policy> dead_letter) = 0;
    /// Throws claim_not_found when unknown, malformed or expired.
    virtual net::awaitable<core::claim> get_claim(core::queue_address queue, core::claim_id id) = 0;
    /// Resets the expiry to now + ttl and extends message lifetimes as create_claim does.
    /// Throws claim_not_found when unknown, malformed or expired.
    virtual net::awaitable<void> update_claim(core::queue_address queue, core::claim_id id,
                                              std::int64_t ttl, std::int64_t grace) = 0;
    /// Releases the claim's messages (claimable again at once). Idempotent.
    virtual net::awaitable<void> delete_claim(core::queue_address queue, core::claim_id id) = 0;

    // --- subscriptions --------------------------------------------------------------------
    /// This store's subscriptions (kept beside the queues they belong to); lives as long as
    /// the driver.
    virtual subscription_store& subscriptions() = 0;

    // --- maintenance ----------------------------------------------------------------------
    /// Removes expired messages and claims (and subscriptions where the driver sweeps them);
    /// returns how many records went.
    virtual net::awaitable<std::int64_t> collect_garbage() = 0;
    /// True when the engine answers.
    virtual net::awaitable<bool> ping() = 0;
    /// What the store guarantees, in Zaqar's words (FIFO, CLAIMS, DURABILITY, AOD,
    /// HIGH_THROUGHPUT): flavors report their pools' capabilities.
    virtual std::vector<std::string> capabilities() const = 0;
};

}  // namespace marconi::storage
