// Marconi. SQLite garbage collection and health checks.
#include "storage/sqlite/maintenance_ops.hpp"

#include <vector>

namespace marconi::storage::sqlite::maintenance_ops {

gc_result collect_garbage_batch(connection& conn, millis now, std::int64_t limit) {
    static constexpr const char* delete_messages_sql =
        "DELETE FROM messages WHERE seq IN"
        " (SELECT seq FROM messages WHERE expires <= ?1 LIMIT ?2)";
    static constexpr const char* expired_claims_sql =
        "SELECT id FROM claims WHERE expires <= ?1 LIMIT ?2";
    static constexpr const char* release_sql =
        "UPDATE messages SET claim_id = NULL, claim_expires = NULL WHERE claim_id = ?1";
    static constexpr const char* delete_claim_sql = "DELETE FROM claims WHERE id = ?1";

    gc_result result;
    conn.prepare(delete_messages_sql).bind_all(now, limit).run();
    result.messages = conn.changes();

    std::vector<std::int64_t> claims;
    {
        auto stmt = conn.prepare(expired_claims_sql);
        stmt.bind_all(now, limit);
        while (stmt.step()) claims.push_back(stmt.int64(0));
    }
    for (auto id : claims) {
        conn.prepare(release_sql).bind_all(id).run();
        conn.prepare(delete_claim_sql).bind_all(id).run();
    }
    result.claims = static_cast<std::int64_t>(claims.size());
    return result;
}

bool ping(connection& conn) {
    static constexpr const char* sql = "SELECT 1";
    auto stmt = conn.prepare(sql);
    return stmt.step() && stmt.int64(0) == 1;
}

}  // namespace marconi::storage::sqlite::maintenance_ops
