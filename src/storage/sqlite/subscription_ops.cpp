// Marconi. SQLite subscription operations.
#include "storage/sqlite/subscription_ops.hpp"

#include "storage/contract/errors.hpp"
#include "storage/contract/row_key.hpp"

namespace marconi::storage::sqlite::subscription_ops {

namespace {

#define MARCONI_SQLITE_SUBSCRIPTION_COLUMNS \
    "id, tag, subscriber, created, expires, ttl, options, confirmed"

core::subscription read_subscription(const statement& row) {
    core::subscription s;
    s.id =
        core::subscription_id{encode_key({row.int64(0), static_cast<std::uint32_t>(row.int64(1))})};
    s.subscriber = row.text(2);
    s.created = from_millis(row.int64(3));
    s.expires = from_millis(row.int64(4));
    s.ttl = row.int64(5);
    s.options_json = row.text(6);
    s.confirmed = row.int64(7) != 0;
    return s;
}

/// The row id of the live subscription `id` names on this source; nullopt when the id is
/// malformed, unknown, another source's, or expired.
std::optional<std::int64_t> find_live(connection& conn, const core::queue_address& source,
                                      const core::subscription_id& id, millis now) {
    static constexpr const char* sql =
        "SELECT 1 FROM subscriptions WHERE id = ?1 AND tag = ?2 AND project = ?3 AND source = ?4"
        " AND expires > ?5";
    auto key = decode_key(id.value());
    if (!key) return std::nullopt;
    auto stmt = conn.prepare(sql);
    stmt.bind_all(key->id, static_cast<std::int64_t>(key->tag), source.project.value(),
                  source.name.value(), now);
    if (!stmt.step()) return std::nullopt;
    return key->id;
}

/// Frees the subscriber of this source when only an expired subscription holds it.
void drop_expired_holder(connection& conn, const core::queue_address& source,
                         const std::string& subscriber, millis now) {
    static constexpr const char* sql =
        "DELETE FROM subscriptions WHERE project = ?1 AND source = ?2 AND subscriber = ?3"
        " AND expires <= ?4";
    conn.prepare(sql).bind_all(source.project.value(), source.name.value(), subscriber, now).run();
}

}  // namespace

core::subscription_created create_subscription(connection& conn, const core::queue_address& source,
                                               const core::new_subscription& subscription,
                                               millis now) {
    static constexpr const char* existing_sql =
        "SELECT id, tag, confirmed FROM subscriptions"
        " WHERE project = ?1 AND source = ?2 AND subscriber = ?3";
    static constexpr const char* insert_sql =
        "INSERT INTO subscriptions (tag, project, source, subscriber, created, expires, ttl,"
        " options, confirmed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

    // The writer runs jobs one at a time, so the check and the insert cannot interleave with
    // another create.
    drop_expired_holder(conn, source, subscription.subscriber, now);
    {
        auto stmt = conn.prepare(existing_sql);
        stmt.bind_all(source.project.value(), source.name.value(), subscription.subscriber);
        if (stmt.step()) {
            return {core::subscription_id{
                        encode_key({stmt.int64(0), static_cast<std::uint32_t>(stmt.int64(1))})},
                    false, stmt.int64(2) != 0};
        }
    }
    const auto tag = random_tag();
    conn.prepare(insert_sql)
        .bind_all(static_cast<std::int64_t>(tag), source.project.value(), source.name.value(),
                  subscription.subscriber, now, now + seconds_to_millis(subscription.ttl),
                  subscription.ttl, subscription.options_json, subscription.confirmed)
        .run();
    return {core::subscription_id{encode_key({conn.last_insert_rowid(), tag})}, true,
            subscription.confirmed};
}

void update_subscription(connection& conn, const core::queue_address& source,
                         const core::subscription_id& id, const core::subscription_update& update,
                         millis now) {
    static constexpr const char* holder_sql =
        "SELECT id FROM subscriptions WHERE project = ?1 AND source = ?2 AND subscriber = ?3";
    static constexpr const char* subscriber_sql =
        "UPDATE subscriptions SET subscriber = ?2 WHERE id = ?1";
    static constexpr const char* ttl_sql =
        "UPDATE subscriptions SET ttl = ?2, expires = ?3 WHERE id = ?1";
    static constexpr const char* options_sql =
        "UPDATE subscriptions SET options = ?2 WHERE id = ?1";

    const auto row = find_live(conn, source, id, now);
    if (!row) errors::subscription_not_found(id);
    if (update.subscriber) {
        drop_expired_holder(conn, source, *update.subscriber, now);
        auto stmt = conn.prepare(holder_sql);
        stmt.bind_all(source.project.value(), source.name.value(), *update.subscriber);
        if (stmt.step() && stmt.int64(0) != *row) errors::subscription_exists();
        conn.prepare(subscriber_sql).bind_all(*row, *update.subscriber).run();
    }
    if (update.ttl) {
        const auto expires = now + seconds_to_millis(*update.ttl);
        conn.prepare(ttl_sql).bind_all(*row, *update.ttl, expires).run();
    }
    if (update.options_json) conn.prepare(options_sql).bind_all(*row, *update.options_json).run();
}

void delete_subscription(connection& conn, const core::queue_address& source,
                         const core::subscription_id& id) {
    static constexpr const char* sql =
        "DELETE FROM subscriptions WHERE id = ?1 AND tag = ?2 AND project = ?3 AND source = ?4";
    auto key = decode_key(id.value());
    if (!key) return;
    conn.prepare(sql)
        .bind_all(key->id, static_cast<std::int64_t>(key->tag), source.project.value(),
                  source.name.value())
        .run();
}

void confirm_subscription(connection& conn, const core::queue_address& source,
                          const core::subscription_id& id, bool confirmed, millis now) {
    static constexpr const char* sql = "UPDATE subscriptions SET confirmed = ?2 WHERE id = ?1";
    const auto row = find_live(conn, source, id, now);
    if (!row) errors::subscription_not_found(id);
    conn.prepare(sql).bind_all(*row, confirmed).run();
}

std::int64_t collect_expired(connection& conn, millis now, std::int64_t limit) {
    static constexpr const char* sql =
        "DELETE FROM subscriptions WHERE id IN"
        " (SELECT id FROM subscriptions WHERE expires <= ?1 LIMIT ?2)";
    conn.prepare(sql).bind_all(now, limit).run();
    return conn.changes();
}

std::vector<core::subscription> list_subscriptions(connection& conn,
                                                   const core::queue_address& source,
                                                   const std::optional<std::string>& marker,
                                                   std::int64_t limit, millis now) {
    static constexpr const char* sql =
        "SELECT " MARCONI_SQLITE_SUBSCRIPTION_COLUMNS
        " FROM subscriptions"
        " WHERE project = ?1 AND source = ?2 AND id > ?3 AND expires > ?4 ORDER BY id LIMIT ?5";
    const auto after = row_after(marker);
    std::vector<core::subscription> out;
    if (limit <= 0) return out;
    auto stmt = conn.prepare(sql);
    stmt.bind_all(source.project.value(), source.name.value(), after, now, limit);
    while (stmt.step()) out.push_back(read_subscription(stmt));
    return out;
}

std::optional<core::subscription> get_subscription(connection& conn,
                                                   const core::queue_address& source,
                                                   const core::subscription_id& id, millis now) {
    static constexpr const char* sql =
        "SELECT " MARCONI_SQLITE_SUBSCRIPTION_COLUMNS
        " FROM subscriptions"
        " WHERE id = ?1 AND tag = ?2 AND project = ?3 AND source = ?4 AND expires > ?5";
    auto key = decode_key(id.value());
    if (!key) return std::nullopt;
    auto stmt = conn.prepare(sql);
    stmt.bind_all(key->id, static_cast<std::int64_t>(key->tag), source.project.value(),
                  source.name.value(), now);
    if (!stmt.step()) return std::nullopt;
    return read_subscription(stmt);
}

}  // namespace marconi::storage::sqlite::subscription_ops
