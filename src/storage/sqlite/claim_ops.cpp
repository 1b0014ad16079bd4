// Marconi. SQLite claim operations.
#include "storage/sqlite/claim_ops.hpp"

#include "storage/contract/error.hpp"
#include "storage/contract/errors.hpp"
#include "storage/contract/row_key.hpp"

#include <vector>

namespace marconi::storage::sqlite::claim_ops {

namespace {

/// The live messages a claim holds, oldest first.
std::vector<core::message> claimed_messages(connection& conn, std::int64_t claim_row, millis now) {
    static constexpr const char* sql =
        "SELECT " MARCONI_SQLITE_MESSAGE_COLUMNS
        " FROM messages m LEFT JOIN claims c ON c.id = m.claim_id"
        " WHERE m.claim_id = ?1 AND m.expires > ?2 AND m.claim_expires > ?2"
        " ORDER BY m.seq";
    std::vector<core::message> out;
    auto stmt = conn.prepare(sql);
    stmt.bind_all(claim_row, now);
    while (stmt.step()) out.push_back(read_message(stmt, now));
    return out;
}

/// Gives the claim's messages the new claim expiry and stretches any life that would end
/// before `min_life`.
void extend_messages(connection& conn, std::int64_t claim_row, millis claim_expires,
                     millis min_life, millis now) {
    static constexpr const char* sql =
        "UPDATE messages SET claim_expires = ?2, expires = max(expires, ?3)"
        " WHERE claim_id = ?1 AND expires > ?4";
    conn.prepare(sql).bind_all(claim_row, claim_expires, min_life, now).run();
}

struct candidate {
    std::int64_t seq;
    std::int64_t claim_count;
};

/// The oldest `limit` messages a claim may take: live, visible, and not held by a live claim.
std::vector<candidate> claimable(connection& conn, std::int64_t queue_id, std::int64_t limit,
                                 millis now) {
    static constexpr const char* sql =
        "SELECT seq, claim_count FROM messages"
        " WHERE queue_id = ?1 AND expires > ?2 AND visible_at <= ?2"
        " AND (claim_expires IS NULL OR claim_expires <= ?2)"
        " ORDER BY seq LIMIT ?3";
    std::vector<candidate> out;
    auto stmt = conn.prepare(sql);
    stmt.bind_all(queue_id, now, limit);
    while (stmt.step()) out.push_back({stmt.int64(0), stmt.int64(1)});
    return out;
}

/// Moves one message to the dead-letter queue as a fresh, unclaimed message at its tail.
void move_to_dead_letter(connection& conn, std::int64_t seq, std::int64_t dlq_id,
                         const core::dead_letter_policy& policy, millis now) {
    static constexpr const char* copy_sql =
        "INSERT INTO messages (queue_id, tag, created, expires, visible_at, client_id, body)"
        " SELECT ?1, ?2, ?3, coalesce(?4, expires), ?3, client_id, body FROM messages"
        " WHERE seq = ?5";
    static constexpr const char* delete_sql = "DELETE FROM messages WHERE seq = ?1";
    std::optional<millis> expires;
    if (policy.message_ttl) expires = now + seconds_to_millis(*policy.message_ttl);
    conn.prepare(copy_sql)
        .bind_all(dlq_id, static_cast<std::int64_t>(random_tag()), now, expires, seq)
        .run();
    conn.prepare(delete_sql).bind_all(seq).run();
}

}  // namespace

std::optional<core::claim> create_claim(connection& conn, const core::queue_address& queue,
                                        const core::claim_options& options,
                                        const std::optional<core::dead_letter_policy>& dead_letter,
                                        millis now) {
    static constexpr const char* insert_claim_sql =
        "INSERT INTO claims (queue_id, tag, created, expires) VALUES (?1, ?2, ?3, ?4)";
    static constexpr const char* take_sql =
        "UPDATE messages SET claim_id = ?2, claim_expires = ?3, claim_count = claim_count + 1,"
        " expires = max(expires, ?4) WHERE seq = ?1";
    static constexpr const char* drop_claim_sql = "DELETE FROM claims WHERE id = ?1";

    auto queue_id = find_queue(conn, queue);
    if (!queue_id || options.limit <= 0) return std::nullopt;

    const millis expires = now + seconds_to_millis(options.ttl);
    const millis min_life = now + seconds_to_millis(options.ttl + options.grace);
    const auto tag = random_tag();
    conn.prepare(insert_claim_sql)
        .bind_all(*queue_id, static_cast<std::int64_t>(tag), now, expires)
        .run();
    const auto claim_row = conn.last_insert_rowid();

    // A policy with max_claim_count <= 0 would dead-letter every message unseen; treat it as off.
    const bool dead_lettering = dead_letter && dead_letter->max_claim_count > 0;
    std::optional<std::int64_t> dlq_id;
    std::int64_t taken = 0;
    while (taken < options.limit) {
        auto batch = claimable(conn, *queue_id, options.limit - taken, now);
        bool moved = false;
        for (const auto& c : batch) {
            if (dead_lettering && c.claim_count >= dead_letter->max_claim_count) {
                if (!dlq_id) dlq_id = ensure_queue(conn, {queue.project, dead_letter->queue}, now);
                move_to_dead_letter(conn, c.seq, *dlq_id, *dead_letter, now);
                moved = true;
            } else {
                conn.prepare(take_sql).bind_all(c.seq, claim_row, expires, min_life).run();
                ++taken;
            }
        }
        // Only dead-lettering leaves room for more; otherwise the queue had no more to give.
        if (!moved) break;
    }
    if (taken == 0) {
        conn.prepare(drop_claim_sql).bind_all(claim_row).run();
        return std::nullopt;
    }
    return core::claim{core::claim_id{encode_key({claim_row, tag})}, from_millis(now),
                       from_millis(expires), claimed_messages(conn, claim_row, now)};
}

core::claim get_claim(connection& conn, const core::queue_address& queue, const core::claim_id& id,
                      millis now) {
    static constexpr const char* sql =
        "SELECT created, expires FROM claims"
        " WHERE id = ?1 AND tag = ?2 AND queue_id = ?3 AND expires > ?4";
    auto queue_id = find_queue(conn, queue);
    auto key = decode_key(id.value());
    if (!queue_id || !key) errors::claim_not_found();
    core::claim out;
    {
        auto stmt = conn.prepare(sql);
        stmt.bind_all(key->id, static_cast<std::int64_t>(key->tag), *queue_id, now);
        if (!stmt.step()) errors::claim_not_found();
        out.id = id;
        out.created = from_millis(stmt.int64(0));
        out.expires = from_millis(stmt.int64(1));
    }
    out.messages = claimed_messages(conn, key->id, now);
    return out;
}

void update_claim(connection& conn, const core::queue_address& queue, const core::claim_id& id,
                  std::int64_t ttl, std::int64_t grace, millis now) {
    // Zaqar measures a claim's age and ttl from its last update, so `created` moves too.
    static constexpr const char* sql = "UPDATE claims SET created = ?3, expires = ?2 WHERE id = ?1";
    auto queue_id = find_queue(conn, queue);
    if (!queue_id) errors::claim_not_found();
    auto claim_row = find_live_claim(conn, *queue_id, id.value(), now);
    if (!claim_row) errors::claim_not_found();
    const millis expires = now + seconds_to_millis(ttl);
    conn.prepare(sql).bind_all(*claim_row, expires, now).run();
    extend_messages(conn, *claim_row, expires, now + seconds_to_millis(ttl + grace), now);
}

void delete_claim(connection& conn, const core::queue_address& queue, const core::claim_id& id) {
    static constexpr const char* find_sql =
        "SELECT 1 FROM claims WHERE id = ?1 AND tag = ?2 AND queue_id = ?3";
    static constexpr const char* release_sql =
        "UPDATE messages SET claim_id = NULL, claim_expires = NULL WHERE claim_id = ?1";
    static constexpr const char* delete_sql = "DELETE FROM claims WHERE id = ?1";
    auto queue_id = find_queue(conn, queue);
    auto key = decode_key(id.value());
    if (!queue_id || !key) return;
    {
        auto stmt = conn.prepare(find_sql);
        stmt.bind_all(key->id, static_cast<std::int64_t>(key->tag), *queue_id);
        if (!stmt.step()) return;
    }
    conn.prepare(release_sql).bind_all(key->id).run();
    conn.prepare(delete_sql).bind_all(key->id).run();
}

}  // namespace marconi::storage::sqlite::claim_ops
