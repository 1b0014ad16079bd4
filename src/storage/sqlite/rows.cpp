// Marconi. Shared SQLite row helpers.
#include "storage/sqlite/rows.hpp"

#include "storage/contract/row_key.hpp"

#include <random>

namespace marconi::storage::sqlite {

namespace {

constexpr const char* find_queue_sql = "SELECT id FROM queues WHERE project = ?1 AND name = ?2";
constexpr const char* insert_queue_sql =
    "INSERT INTO queues (project, name, metadata, created) VALUES (?1, ?2, '{}', ?3)";

constexpr const char* find_live_claim_sql =
    "SELECT 1 FROM claims WHERE id = ?1 AND tag = ?2 AND queue_id = ?3 AND expires > ?4";

}  // namespace

std::optional<std::int64_t> find_queue(connection& conn, const core::queue_address& queue) {
    auto stmt = conn.prepare(find_queue_sql);
    stmt.bind_all(queue.project.value(), queue.name.value());
    if (!stmt.step()) return std::nullopt;
    return stmt.int64(0);
}

std::int64_t ensure_queue(connection& conn, const core::queue_address& queue, millis now) {
    if (auto id = find_queue(conn, queue)) return *id;
    conn.prepare(insert_queue_sql).bind_all(queue.project.value(), queue.name.value(), now).run();
    return conn.last_insert_rowid();
}

std::optional<std::int64_t> find_live_claim(connection& conn, std::int64_t queue_id,
                                            std::string_view claim_text, millis now) {
    auto key = decode_key(claim_text);
    if (!key) return std::nullopt;
    auto stmt = conn.prepare(find_live_claim_sql);
    stmt.bind_all(key->id, static_cast<std::int64_t>(key->tag), queue_id, now);
    if (!stmt.step()) return std::nullopt;
    return key->id;
}

core::message read_message(const statement& row, millis now) {
    core::message msg;
    msg.id = core::message_id{encode_key({row.int64(0), static_cast<std::uint32_t>(row.int64(1))})};
    msg.created = from_millis(row.int64(2));
    msg.expires = from_millis(row.int64(3));
    const bool claim_live = !row.is_null(4) && row.int64(4) > now && !row.is_null(5);
    if (claim_live) {
        msg.claim =
            core::claim_id{encode_key({row.int64(5), static_cast<std::uint32_t>(row.int64(6))})};
    }
    msg.claim_count = row.int64(7);
    msg.body_json = row.text(8);
    return msg;
}

std::uint32_t random_tag() {
    thread_local std::mt19937 engine{std::random_device{}()};
    return static_cast<std::uint32_t>(engine());
}

}  // namespace marconi::storage::sqlite
