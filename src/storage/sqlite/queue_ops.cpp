// Marconi. SQLite queue operations.
#include "storage/sqlite/queue_ops.hpp"

#include "storage/contract/error.hpp"
#include "storage/contract/errors.hpp"
#include "storage/contract/row_key.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <type_traits>
#include <variant>

namespace marconi::storage::sqlite::queue_ops {

namespace {

constexpr const char* delete_queue_messages_sql = "DELETE FROM messages WHERE queue_id = ?1";
constexpr const char* delete_queue_claims_sql = "DELETE FROM claims WHERE queue_id = ?1";

void delete_contents(connection& conn, std::int64_t queue_id) {
    conn.prepare(delete_queue_messages_sql).bind_all(queue_id).run();
    conn.prepare(delete_queue_claims_sql).bind_all(queue_id).run();
}

/// One metadata equality filter, matched against json_each(q.metadata). Every filter has the
/// same SQL shape whatever the value's type, so the statement cache holds one entry per filter
/// count rather than one per combination of types.
constexpr const char* metadata_filter_sql =
    " AND EXISTS (SELECT 1 FROM json_each(q.metadata) WHERE key = ?"
    " AND (CASE WHEN type IN ('integer', 'real') THEN 'number' ELSE type END) = ?"
    " AND (? IS NULL OR value = ?))";

struct metadata_filter {
    std::string key;
    std::string type;  // json_each's type, with integer and real folded into "number"
    // What `value` must equal: the string, the number (12 matches 12.0), the minified JSON of an
    // object or array; none for true, false and null, whose type says it all.
    std::variant<std::monostate, std::string, double> value;
};

metadata_filter make_filter(const std::string& key, const std::string& value_json) {
    boost::system::error_code ec;
    auto value = boost::json::parse(value_json, ec);
    if (ec) {
        errors::invalid_metadata_filter(key);
    }
    switch (value.kind()) {
        case boost::json::kind::string: return {key, "text", std::string{value.get_string()}};
        case boost::json::kind::int64:
        case boost::json::kind::uint64:
        case boost::json::kind::double_: return {key, "number", value.to_number<double>()};
        case boost::json::kind::bool_:
            return {key, value.get_bool() ? "true" : "false", std::monostate{}};
        case boost::json::kind::null: return {key, "null", std::monostate{}};
        case boost::json::kind::object: return {key, "object", boost::json::serialize(value)};
        case boost::json::kind::array: return {key, "array", boost::json::serialize(value)};
    }
    return {key, "null", std::monostate{}};
}

void bind_value(statement& stmt, int index, const metadata_filter& f) {
    std::visit(
        [&](const auto& v) {
            if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::monostate>) {
                stmt.bind(index, std::nullopt);
            } else {
                stmt.bind(index, v);
            }
        },
        f.value);
}

}  // namespace

bool create_queue(connection& conn, const core::queue_address& queue,
                  const std::string& metadata_json, millis now) {
    static constexpr const char* sql =
        "INSERT INTO queues (project, name, metadata, created) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (project, name) DO NOTHING";
    conn.prepare(sql).bind_all(queue.project.value(), queue.name.value(), metadata_json, now).run();
    return conn.changes() == 1;
}

void set_queue_metadata(connection& conn, const core::queue_address& queue,
                        const std::string& metadata_json) {
    static constexpr const char* sql =
        "UPDATE queues SET metadata = ?3 WHERE project = ?1 AND name = ?2";
    conn.prepare(sql).bind_all(queue.project.value(), queue.name.value(), metadata_json).run();
    if (conn.changes() == 0) {
        errors::queue_not_found(queue.name);
    }
}

void delete_queue(connection& conn, const core::queue_address& queue) {
    static constexpr const char* sql = "DELETE FROM queues WHERE id = ?1";
    auto id = find_queue(conn, queue);
    if (!id) return;
    delete_contents(conn, *id);
    conn.prepare(sql).bind_all(*id).run();
}

void purge_messages(connection& conn, const core::queue_address& queue) {
    if (auto id = find_queue(conn, queue)) delete_contents(conn, *id);
}

std::optional<core::queue_record> get_queue(connection& conn, const core::queue_address& queue) {
    static constexpr const char* sql =
        "SELECT metadata FROM queues WHERE project = ?1 AND name = ?2";
    auto stmt = conn.prepare(sql);
    stmt.bind_all(queue.project.value(), queue.name.value());
    if (!stmt.step()) return std::nullopt;
    return core::queue_record{queue.name, stmt.text(0)};
}

std::vector<core::queue_record> list_queues(connection& conn, const core::project_id& project,
                                            const core::queue_list_options& options) {
    // The statement text depends on which filters are present, so each shape is prepared once.
    static constexpr const char* base_sql =
        "SELECT q.name, q.metadata FROM queues q WHERE q.project = ? AND q.name > ?";
    static constexpr const char* name_filter_sql = " AND instr(q.name, ?) > 0";
    static constexpr const char* order_sql = " ORDER BY q.name LIMIT ?";

    std::vector<core::queue_record> out;
    if (options.limit <= 0) return out;
    std::vector<metadata_filter> filters;
    for (const auto& [key, value] : options.metadata_equals)
        filters.push_back(make_filter(key, value));

    std::string sql = base_sql;
    if (options.name_contains) sql += name_filter_sql;
    for (std::size_t i = 0; i < filters.size(); ++i) sql += metadata_filter_sql;
    sql += order_sql;

    auto stmt = conn.prepare(sql);
    int index = 0;
    stmt.bind(++index, project.value());
    stmt.bind(++index, options.marker.value_or(""));
    if (options.name_contains) stmt.bind(++index, *options.name_contains);
    for (const auto& f : filters) {
        stmt.bind(++index, f.key);
        stmt.bind(++index, f.type);
        bind_value(stmt, ++index, f);
        bind_value(stmt, ++index, f);
    }
    stmt.bind(++index, options.limit);
    while (stmt.step()) out.push_back({core::queue_name{stmt.text(0)}, stmt.text(1)});
    return out;
}

std::int64_t count_queues(connection& conn, const core::project_id& project) {
    static constexpr const char* sql = "SELECT count(*) FROM queues WHERE project = ?1";
    auto stmt = conn.prepare(sql);
    stmt.bind_all(project.value());
    stmt.step();
    return stmt.int64(0);
}

core::queue_stats get_queue_stats(connection& conn, const core::queue_address& queue, millis now) {
    // Both scans stay inside the covering index messages_by_queue.
    static constexpr const char* counts_sql =
        "SELECT count(*), coalesce(sum(claim_expires > ?2), 0) FROM messages "
        "WHERE queue_id = ?1 AND expires > ?2";
    static constexpr const char* oldest_sql =
        "SELECT seq, tag, created FROM messages WHERE queue_id = ?1 AND expires > ?2 "
        "ORDER BY seq LIMIT 1";
    static constexpr const char* newest_sql =
        "SELECT seq, tag, created FROM messages WHERE queue_id = ?1 AND expires > ?2 "
        "ORDER BY seq DESC LIMIT 1";

    core::queue_stats stats;
    auto id = find_queue(conn, queue);
    if (!id) return stats;
    {
        auto stmt = conn.prepare(counts_sql);
        stmt.bind_all(*id, now);
        stmt.step();
        stats.total = stmt.int64(0);
        stats.claimed = stmt.int64(1);
        stats.free = stats.total - stats.claimed;
    }
    if (stats.total == 0) return stats;
    auto summary = [&](const char* sql) -> std::optional<core::message_summary> {
        auto stmt = conn.prepare(sql);
        stmt.bind_all(*id, now);
        if (!stmt.step()) return std::nullopt;
        return core::message_summary{
            core::message_id{
                encode_key({stmt.int64(0), static_cast<std::uint32_t>(stmt.int64(1))})},
            from_millis(stmt.int64(2))};
    };
    stats.oldest = summary(oldest_sql);
    stats.newest = summary(newest_sql);
    return stats;
}

}  // namespace marconi::storage::sqlite::queue_ops
