// Marconi. SQLite message operations.
#include "storage/sqlite/message_ops.hpp"

#include "storage/contract/error.hpp"
#include "storage/contract/errors.hpp"
#include "storage/contract/row_key.hpp"

#include <algorithm>

namespace marconi::storage::sqlite::message_ops {

namespace {

/// Message states delete_message() needs: whether it exists (live) and which claim holds it.
struct message_state {
    std::optional<std::int64_t> live_claim;  // claims.id while a live claim holds the message
};

std::optional<message_state> find_message(connection& conn, std::int64_t queue_id, row_key key,
                                          millis now) {
    static constexpr const char* sql =
        "SELECT claim_id, claim_expires FROM messages "
        "WHERE seq = ?1 AND tag = ?2 AND queue_id = ?3 AND expires > ?4";
    auto stmt = conn.prepare(sql);
    stmt.bind_all(key.id, static_cast<std::int64_t>(key.tag), queue_id, now);
    if (!stmt.step()) return std::nullopt;
    message_state state;
    if (!stmt.is_null(0) && !stmt.is_null(1) && stmt.int64(1) > now)
        state.live_claim = stmt.int64(0);
    return state;
}

void delete_row(connection& conn, std::int64_t seq) {
    static constexpr const char* sql = "DELETE FROM messages WHERE seq = ?1";
    conn.prepare(sql).bind_all(seq).run();
}

}  // namespace

std::vector<core::message_id> post_messages(connection& conn, const core::queue_address& queue,
                                            const core::client_id& client,
                                            const std::vector<core::new_message>& batch,
                                            millis now) {
    static constexpr const char* sql =
        "INSERT INTO messages (queue_id, tag, created, expires, visible_at, client_id, body) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    const auto queue_id = ensure_queue(conn, queue, now);
    std::vector<core::message_id> ids;
    ids.reserve(batch.size());
    for (const auto& msg : batch) {
        const auto tag = random_tag();
        conn.prepare(sql)
            .bind_all(queue_id, static_cast<std::int64_t>(tag), now,
                      now + seconds_to_millis(msg.ttl), now + seconds_to_millis(msg.delay),
                      client.value(), msg.body_json)
            .run();
        ids.emplace_back(encode_key({conn.last_insert_rowid(), tag}));
    }
    return ids;
}

core::message_page list_messages(connection& conn, const core::queue_address& queue,
                                 const core::message_list_options& options, millis now) {
    // One statement for every flag combination: the flags are parameters, so the plan (a range
    // scan of messages_by_queue from the marker) is the same for all of them.
    static constexpr const char* sql =
        "SELECT " MARCONI_SQLITE_MESSAGE_COLUMNS
        " FROM messages m LEFT JOIN claims c ON c.id = m.claim_id"
        " WHERE m.queue_id = ?1 AND m.seq > ?2 AND m.expires > ?3"
        " AND (?4 OR m.visible_at <= ?3)"
        " AND (?5 OR m.claim_expires IS NULL OR m.claim_expires <= ?3)"
        " AND (?6 OR m.client_id <> ?7)"
        " ORDER BY m.seq LIMIT ?8";

    const auto after = seq_after(options.marker);
    core::message_page page;
    auto queue_id = find_queue(conn, queue);
    if (!queue_id || options.limit <= 0) return page;

    auto stmt = conn.prepare(sql);
    stmt.bind_all(*queue_id, after, now, options.include_delayed, options.include_claimed,
                  options.echo, options.client.value(), options.limit);
    std::int64_t last_seq = 0;
    while (stmt.step()) {
        last_seq = stmt.int64(0);
        page.messages.push_back(read_message(stmt, now));
    }
    if (!page.messages.empty()) page.next_marker = encode_marker(last_seq);
    return page;
}

std::vector<core::message> get_messages(connection& conn, const core::queue_address& queue,
                                        const std::vector<core::message_id>& ids, millis now) {
    static constexpr const char* sql =
        "SELECT " MARCONI_SQLITE_MESSAGE_COLUMNS
        " FROM messages m LEFT JOIN claims c ON c.id = m.claim_id"
        " WHERE m.seq = ?1 AND m.tag = ?2 AND m.queue_id = ?3 AND m.expires > ?4";
    std::vector<core::message> out;
    auto queue_id = find_queue(conn, queue);
    if (!queue_id) return out;
    for (const auto& id : ids) {
        auto key = decode_key(id.value());
        if (!key) continue;
        auto stmt = conn.prepare(sql);
        stmt.bind_all(key->id, static_cast<std::int64_t>(key->tag), *queue_id, now);
        if (stmt.step()) out.push_back(read_message(stmt, now));
    }
    return out;
}

void delete_message(connection& conn, const core::queue_address& queue, const core::message_id& id,
                    const std::optional<core::claim_id>& claim, millis now) {
    auto queue_id = find_queue(conn, queue);
    auto key = decode_key(id.value());
    if (!queue_id || !key) return;  // a missing message is deleted, whatever the claim
    auto state = find_message(conn, *queue_id, *key, now);
    if (!state) return;

    if (state->live_claim) {
        if (!claim) {
            errors::message_claimed();
        }
        auto given = find_live_claim(conn, *queue_id, claim->value(), now);
        if (!given) errors::claim_invalid();
        if (*given != *state->live_claim) {
            // Zaqar: a live claim that is not this message's is "not permitted" (403).
            errors::message_claimed();
        }
    } else if (claim) {
        if (!find_live_claim(conn, *queue_id, claim->value(), now)) errors::claim_invalid();
        errors::message_not_claimed();
    }
    delete_row(conn, key->id);
}

void delete_messages(connection& conn, const core::queue_address& queue,
                     const std::vector<core::message_id>& ids,
                     const std::optional<std::vector<core::claim_id>>& claims, millis now) {
    auto queue_id = find_queue(conn, queue);
    if (!queue_id) return;
    std::vector<std::int64_t> live_claims;
    if (claims) {
        for (const auto& c : *claims) {
            if (auto id = find_live_claim(conn, *queue_id, c.value(), now))
                live_claims.push_back(*id);
        }
    }
    std::vector<std::int64_t> doomed;
    for (const auto& id : ids) {
        auto key = decode_key(id.value());
        if (!key) continue;
        auto state = find_message(conn, *queue_id, *key, now);
        if (!state) continue;
        // With claims, every listed live message must be held by one of them; the throw leaves
        // nothing deleted because deletion happens only after the whole list is checked.
        if (claims && (!state->live_claim || std::find(live_claims.begin(), live_claims.end(),
                                                       *state->live_claim) == live_claims.end())) {
            errors::claim_invalid();
        }
        doomed.push_back(key->id);
    }
    for (auto seq : doomed) delete_row(conn, seq);
}

std::vector<core::message> pop_messages(connection& conn, const core::queue_address& queue,
                                        std::int64_t limit, millis now) {
    static constexpr const char* sql =
        "SELECT " MARCONI_SQLITE_MESSAGE_COLUMNS
        " FROM messages m LEFT JOIN claims c ON c.id = m.claim_id"
        " WHERE m.queue_id = ?1 AND m.expires > ?2 AND m.visible_at <= ?2"
        " AND (m.claim_expires IS NULL OR m.claim_expires <= ?2)"
        " ORDER BY m.seq LIMIT ?3";
    std::vector<core::message> out;
    auto queue_id = find_queue(conn, queue);
    if (!queue_id || limit <= 0) return out;
    std::vector<std::int64_t> seqs;
    {
        auto stmt = conn.prepare(sql);
        stmt.bind_all(*queue_id, now, limit);
        while (stmt.step()) {
            seqs.push_back(stmt.int64(0));
            out.push_back(read_message(stmt, now));
        }
    }
    for (auto seq : seqs) delete_row(conn, seq);
    return out;
}

}  // namespace marconi::storage::sqlite::message_ops
