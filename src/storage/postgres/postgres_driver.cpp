// Marconi. The PostgreSQL message store: parameters in, rows out; the rules live in the
// schema's functions (schema.cpp).
#include "storage/postgres/postgres_driver.hpp"

#include "storage/contract/error.hpp"
#include "storage/contract/errors.hpp"
#include "storage/contract/queue_filter.hpp"
#include "storage/contract/row_key.hpp"

#include <algorithm>
#include <chrono>

namespace marconi::storage::postgres {

namespace {

/// Queues read per round trip when a listing filters them here.
constexpr std::int64_t queue_page = 256;
/// Rows of each kind one garbage-collection call removes, and how long one sweep may take.
constexpr std::int64_t gc_batch = 1000;
constexpr auto gc_budget = std::chrono::milliseconds{500};

/// A claim or message id as (row id, tag) parameters; a malformed one as -1, which no row has.
std::pair<std::int64_t, std::int64_t> key_params(std::string_view id) {
    if (auto key = decode_key(id)) return {key->id, key->tag};
    return {-1, 0};
}

/// The well-formed ids among some message ids, as the two array parameters SQL joins on.
struct key_columns {
    std::vector<std::int64_t> seqs;
    std::vector<std::int64_t> tags;
};

key_columns keys_of(const std::vector<core::message_id>& ids) {
    key_columns keys;
    for (const auto& id : ids) {
        if (auto key = decode_key(id.value())) {
            keys.seqs.push_back(key->id);
            keys.tags.push_back(key->tag);
        }
    }
    return keys;
}

/// Oldest first, as the contract says, for what UPDATE or DELETE ... RETURNING gave in no
/// order: an id's first 16 hex digits are its seq.
void sort_by_seq(std::vector<core::message>& messages) {
    std::sort(messages.begin(), messages.end(),
              [](const core::message& a, const core::message& b) { return a.id < b.id; });
}

void add_param(statement& stmt, std::optional<std::string> value) {
    stmt.params.push_back(std::move(value));
}

}  // namespace

postgres_driver::postgres_driver(const postgres_settings& settings, const clock& clock)
    : clock_(clock), db_(settings), subscriptions_(db_, clock) {}

// --- queues -------------------------------------------------------------------------------

net::awaitable<bool> postgres_driver::create_queue(core::queue_address queue,
                                                   std::string metadata_json) {
    statement stmt{
        "INSERT INTO @.queues (project, name, metadata, created)"
        " VALUES ($1, $2, $3, $4::bigint)"
        " ON CONFLICT (project, name) DO NOTHING RETURNING 1",
        {param(queue.project), param(queue.name.value()), param(std::move(metadata_json)),
         param(now())}};
    auto r = co_await db_.write(lock_order_of(queue), std::move(stmt));
    co_return r.rows() == 1;
}

net::awaitable<std::optional<core::queue_record>> postgres_driver::get_queue(
    core::queue_address queue) {
    statement stmt{"SELECT metadata FROM @.queues WHERE project = $1 AND name = $2",
                   {param(queue.project), param(queue.name.value())}};
    auto r = co_await db_.read(std::move(stmt));
    if (r.rows() == 0) co_return std::nullopt;
    co_return core::queue_record{queue.name, std::string{r.text(0, 0)}};
}

net::awaitable<void> postgres_driver::set_queue_metadata(core::queue_address queue,
                                                         std::string metadata_json) {
    statement stmt{
        "UPDATE @.queues SET metadata = $3 WHERE project = $1 AND name = $2"
        " RETURNING 1",
        {param(queue.project), param(queue.name.value()), param(std::move(metadata_json))}};
    auto r = co_await db_.write(lock_order_of(queue), std::move(stmt));
    if (r.rows() == 0) errors::queue_not_found(queue.name);
}

net::awaitable<void> postgres_driver::delete_queue(core::queue_address queue) {
    statement stmt{"SELECT @.clear_queue($1, $2, true)",
                   {param(queue.project), param(queue.name.value())}};
    co_await db_.write(lock_order_of(queue), std::move(stmt));
}

net::awaitable<void> postgres_driver::purge_messages(core::queue_address queue) {
    statement stmt{"SELECT @.clear_queue($1, $2, false)",
                   {param(queue.project), param(queue.name.value())}};
    co_await db_.write(lock_order_of(queue), std::move(stmt));
}

net::awaitable<std::vector<core::queue_record>> postgres_driver::list_queues(
    core::project_id project, core::queue_list_options options) {
    std::vector<core::queue_record> out;
    if (options.limit <= 0) co_return out;
    const queue_filter filter{options};
    std::string after = options.marker.value_or("");
    // Without filters one page is the answer; with them, pages until the listing is full.
    const auto page = filter.empty() ? options.limit : std::max(options.limit, queue_page);
    while (static_cast<std::int64_t>(out.size()) < options.limit) {
        statement stmt{
            "SELECT name, metadata FROM @.queues"
            " WHERE project = $1 AND name > $2 ORDER BY name LIMIT $3::bigint",
            {param(project), param(after), param(page)}};
        auto r = co_await db_.read(std::move(stmt));
        for (int i = 0; i < r.rows() && static_cast<std::int64_t>(out.size()) < options.limit;
             ++i) {
            core::queue_record record{core::queue_name{std::string{r.text(i, 0)}},
                                      std::string{r.text(i, 1)}};
            if (filter.matches(record)) out.push_back(std::move(record));
        }
        if (r.rows() < page) break;
        after = std::string{r.text(r.rows() - 1, 0)};
    }
    co_return out;
}

net::awaitable<std::int64_t> postgres_driver::count_queues(core::project_id project) {
    statement stmt{"SELECT count(*) FROM @.queues WHERE project = $1", {param(project)}};
    auto r = co_await db_.read(std::move(stmt));
    co_return r.int64(0, 0);
}

net::awaitable<core::queue_stats> postgres_driver::get_queue_stats(core::queue_address queue) {
    const auto at = now();
    statement stmt{
        "SELECT s.total, s.claimed, o.seq, o.tag, o.created, n.seq, n.tag, n.created"
        " FROM @.queues q"
        " CROSS JOIN LATERAL (SELECT count(*) AS total,"
        "   count(*) FILTER (WHERE m.claim_expires > $3::bigint) AS claimed"
        "   FROM @.messages m WHERE m.queue_id = q.id AND m.expires > $3::bigint) s"
        " LEFT JOIN LATERAL (SELECT m.seq, m.tag, m.created FROM @.messages m"
        "   WHERE m.queue_id = q.id AND m.expires > $3::bigint ORDER BY m.seq LIMIT 1) o"
        "   ON true"
        " LEFT JOIN LATERAL (SELECT m.seq, m.tag, m.created FROM @.messages m"
        "   WHERE m.queue_id = q.id AND m.expires > $3::bigint ORDER BY m.seq DESC LIMIT 1)"
        "   n ON true"
        " WHERE q.project = $1 AND q.name = $2",
        {param(queue.project), param(queue.name.value()), param(at)}};
    auto r = co_await db_.read(std::move(stmt));
    core::queue_stats stats;
    if (r.rows() == 0) co_return stats;
    stats.total = r.int64(0, 0);
    stats.claimed = r.int64(0, 1);
    stats.free = stats.total - stats.claimed;
    if (!r.is_null(0, 2)) {
        stats.oldest =
            core::message_summary{core::message_id{key_at(r, 0, 2)}, from_millis(r.int64(0, 4))};
    }
    if (!r.is_null(0, 5)) {
        stats.newest =
            core::message_summary{core::message_id{key_at(r, 0, 5)}, from_millis(r.int64(0, 7))};
    }
    co_return stats;
}

// --- messages -----------------------------------------------------------------------------

net::awaitable<std::vector<core::message_id>> postgres_driver::post_messages(
    core::queue_address queue, core::client_id client, std::vector<core::new_message> batch) {
    std::vector<std::int64_t> ttls;
    std::vector<std::int64_t> delays;
    std::vector<std::string> bodies;
    for (auto& m : batch) {
        ttls.push_back(m.ttl);
        delays.push_back(m.delay);
        bodies.push_back(std::move(m.body_json));
    }
    statement stmt{
        "SELECT seq, tag FROM @.post_messages($1, $2, $3, $4::bigint,"
        " $5::bigint[], $6::bigint[], $7::text[])",
        {param(queue.project), param(queue.name.value()), param(client.value()), param(now()),
         param(bigint_array(ttls)), param(bigint_array(delays)), param(text_array(bodies))}};
    auto r = co_await db_.write(lock_order_of(queue), std::move(stmt));
    // Seqs were given in batch order; RETURNING need not keep it.
    std::vector<std::pair<std::int64_t, std::string>> keyed;
    for (int i = 0; i < r.rows(); ++i) keyed.emplace_back(r.int64(i, 0), key_at(r, i, 0));
    std::sort(keyed.begin(), keyed.end());
    std::vector<core::message_id> ids;
    for (auto& [seq, id] : keyed) ids.emplace_back(std::move(id));
    co_return ids;
}

net::awaitable<core::message_page> postgres_driver::list_messages(
    core::queue_address queue, core::message_list_options options) {
    const auto after = seq_after(options.marker);
    core::message_page page;
    if (options.limit <= 0) co_return page;
    const auto at = now();
    statement stmt{
        "SELECT * FROM @.list_messages($1, $2, $3::bigint, $4::bigint,"
        " $5::boolean, $6::boolean, $7::boolean, $8, $9::bigint)",
        {param(queue.project), param(queue.name.value()), param(after), param(at),
         param(options.include_delayed), param(options.include_claimed), param(options.echo),
         param(options.client.value()), param(options.limit)}};
    auto r = co_await db_.read(std::move(stmt));
    for (int i = 0; i < r.rows(); ++i) page.messages.push_back(read_message(r, i, at));
    if (r.rows() > 0) page.next_marker = encode_marker(r.int64(r.rows() - 1, 0));
    co_return page;
}

net::awaitable<std::vector<core::message>> postgres_driver::get_messages(
    core::queue_address queue, std::vector<core::message_id> ids) {
    const auto keys = keys_of(ids);
    std::vector<core::message> out;
    if (keys.seqs.empty()) co_return out;
    const auto at = now();
    statement stmt{std::string{"SELECT "} + message_columns +
                       " FROM @.queues q JOIN @.messages m ON m.queue_id = q.id"
                       " JOIN unnest($3::bigint[], $4::bigint[]) AS g(seq, tag)"
                       "   ON m.seq = g.seq AND m.tag = g.tag"
                       " LEFT JOIN @.claims c ON c.id = m.claim_id"
                       " WHERE q.project = $1 AND q.name = $2 AND m.expires > $5::bigint",
                   {param(queue.project), param(queue.name.value()), param(bigint_array(keys.seqs)),
                    param(bigint_array(keys.tags)), param(at)}};
    auto r = co_await db_.read(std::move(stmt));
    std::vector<core::message> found;
    for (int i = 0; i < r.rows(); ++i) found.push_back(read_message(r, i, at));
    // In the order asked, each once per mention, as the other stores answer.
    for (const auto& id : ids) {
        auto it = std::find_if(found.begin(), found.end(),
                               [&](const core::message& m) { return m.id == id; });
        if (it != found.end()) out.push_back(*it);
    }
    co_return out;
}

net::awaitable<void> postgres_driver::delete_message(core::queue_address queue, core::message_id id,
                                                     std::optional<core::claim_id> claim) {
    auto key = decode_key(id.value());
    if (!key) co_return;  // a missing message is deleted, whatever the claim
    statement stmt{
        "SELECT @.delete_message($1, $2, $3::bigint, $4::bigint, $5::bigint,"
        " $6::bigint, $7::bigint)",
        {param(queue.project), param(queue.name.value()), param(key->id),
         param(std::int64_t{key->tag})}};
    if (claim) {
        const auto [claim_row, claim_tag] = key_params(claim->value());
        add_param(stmt, param(claim_row));
        add_param(stmt, param(claim_tag));
    } else {
        add_param(stmt, std::nullopt);
        add_param(stmt, std::nullopt);
    }
    add_param(stmt, param(now()));
    auto r = co_await db_.write(lock_order_of(queue), std::move(stmt));
    switch (r.int64(0, 0)) {
        case 1: errors::message_claimed();
        case 2: errors::claim_invalid();
        case 3: errors::message_not_claimed();
        default: break;
    }
}

net::awaitable<void> postgres_driver::delete_messages(
    core::queue_address queue, std::vector<core::message_id> ids,
    std::optional<std::vector<core::claim_id>> claims) {
    const auto keys = keys_of(ids);
    if (keys.seqs.empty()) co_return;
    std::vector<std::int64_t> claim_rows;
    std::vector<std::int64_t> claim_tags;
    if (claims) {
        for (const auto& c : *claims) {
            const auto [row, tag] = key_params(c.value());
            claim_rows.push_back(row);
            claim_tags.push_back(tag);
        }
    }
    statement stmt{
        "SELECT @.delete_messages($1, $2, $3::bigint[], $4::bigint[],"
        " $5::boolean, $6::bigint[], $7::bigint[], $8::bigint)",
        {param(queue.project), param(queue.name.value()), param(bigint_array(keys.seqs)),
         param(bigint_array(keys.tags)), param(claims.has_value()), param(bigint_array(claim_rows)),
         param(bigint_array(claim_tags)), param(now())}};
    auto r = co_await db_.write(lock_order_of(queue), std::move(stmt));
    if (r.int64(0, 0) == 2) errors::claim_invalid();
}

net::awaitable<std::vector<core::message>> postgres_driver::pop_messages(core::queue_address queue,
                                                                         std::int64_t limit) {
    std::vector<core::message> out;
    if (limit <= 0) co_return out;
    statement stmt{
        "SELECT seq, tag, created, expires, claim_count, body"
        " FROM @.pop_messages($1, $2, $3::bigint, $4::bigint)",
        {param(queue.project), param(queue.name.value()), param(limit), param(now())}};
    auto r = co_await db_.write(lock_order_of(queue), std::move(stmt));
    for (int i = 0; i < r.rows(); ++i) {
        core::message m;
        m.id = core::message_id{key_at(r, i, 0)};
        m.created = from_millis(r.int64(i, 2));
        m.expires = from_millis(r.int64(i, 3));
        m.claim_count = r.int64(i, 4);
        m.body_json = std::string{r.text(i, 5)};
        out.push_back(std::move(m));
    }
    sort_by_seq(out);
    co_return out;
}

// --- claims -------------------------------------------------------------------------------

net::awaitable<std::optional<core::claim>> postgres_driver::create_claim(
    core::queue_address queue, core::claim_options options,
    std::optional<core::dead_letter_policy> dead_letter) {
    if (options.limit <= 0) co_return std::nullopt;
    const auto at = now();
    // A policy with max_claim_count <= 0 would dead-letter every message unseen: it is off.
    const bool dead_lettering = dead_letter && dead_letter->max_claim_count > 0;
    statement stmt{
        "SELECT claim, claim_tag, seq, tag, created, expires, claim_count, body"
        " FROM @.create_claim($1, $2, $3::bigint, $4::bigint, $5::bigint, $6,"
        " $7::bigint, $8::bigint, $9::bigint)",
        {param(queue.project), param(queue.name.value()), param(options.ttl), param(options.grace),
         param(options.limit)}};
    if (dead_lettering) {
        add_param(stmt, param(dead_letter->queue.value()));
        add_param(stmt, param(dead_letter->max_claim_count));
        add_param(stmt, dead_letter->message_ttl ? param(*dead_letter->message_ttl)
                                                 : std::optional<std::string>{});
    } else {
        add_param(stmt, std::nullopt);
        add_param(stmt, param(std::int64_t{0}));
        add_param(stmt, std::nullopt);
    }
    add_param(stmt, param(at));
    auto r = co_await db_.write(lock_order_of(queue), std::move(stmt));
    if (r.rows() == 0) co_return std::nullopt;
    core::claim claim;
    claim.id = core::claim_id{key_at(r, 0, 0)};
    claim.created = from_millis(at);
    claim.expires = from_millis(at + options.ttl * 1000);
    for (int i = 0; i < r.rows(); ++i) {
        core::message m;
        m.id = core::message_id{key_at(r, i, 2)};
        m.created = from_millis(r.int64(i, 4));
        m.expires = from_millis(r.int64(i, 5));
        m.claim = claim.id;
        m.claim_count = r.int64(i, 6);
        m.body_json = std::string{r.text(i, 7)};
        claim.messages.push_back(std::move(m));
    }
    sort_by_seq(claim.messages);
    co_return claim;
}

net::awaitable<core::claim> postgres_driver::get_claim(core::queue_address queue,
                                                       core::claim_id id) {
    auto key = decode_key(id.value());
    if (!key) errors::claim_not_found();
    const auto at = now();
    statement stmt{
        std::string{"SELECT c.created, c.expires, "} + message_columns +
            " FROM @.queues q JOIN @.claims c ON c.queue_id = q.id"
            " LEFT JOIN @.messages m ON m.claim_id = c.id AND m.queue_id = q.id"
            "   AND m.expires > $5::bigint AND m.claim_expires > $5::bigint"
            " WHERE q.project = $1 AND q.name = $2 AND c.id = $3::bigint AND c.tag = $4::bigint"
            " AND c.expires > $5::bigint ORDER BY m.seq",
        {param(queue.project), param(queue.name.value()), param(key->id),
         param(std::int64_t{key->tag}), param(at)}};
    auto r = co_await db_.read(std::move(stmt));
    if (r.rows() == 0) errors::claim_not_found();
    core::claim claim;
    claim.id = id;
    claim.created = from_millis(r.int64(0, 0));
    claim.expires = from_millis(r.int64(0, 1));
    // The message columns start at 2; a claim whose messages have all gone has one row of NULLs.
    for (int i = 0; i < r.rows(); ++i) {
        if (r.is_null(i, 2)) continue;
        core::message m;
        m.id = core::message_id{key_at(r, i, 2)};
        m.created = from_millis(r.int64(i, 4));
        m.expires = from_millis(r.int64(i, 5));
        m.claim = id;
        m.claim_count = r.int64(i, 9);
        m.body_json = std::string{r.text(i, 10)};
        claim.messages.push_back(std::move(m));
    }
    co_return claim;
}

net::awaitable<void> postgres_driver::update_claim(core::queue_address queue, core::claim_id id,
                                                   std::int64_t ttl, std::int64_t grace) {
    auto key = decode_key(id.value());
    if (!key) errors::claim_not_found();
    statement stmt{
        "SELECT @.update_claim($1, $2, $3::bigint, $4::bigint, $5::bigint,"
        " $6::bigint, $7::bigint)",
        {param(queue.project), param(queue.name.value()), param(key->id),
         param(std::int64_t{key->tag}), param(ttl), param(grace), param(now())}};
    auto r = co_await db_.write(lock_order_of(queue), std::move(stmt));
    if (!r.boolean(0, 0)) errors::claim_not_found();
}

net::awaitable<void> postgres_driver::delete_claim(core::queue_address queue, core::claim_id id) {
    auto key = decode_key(id.value());
    if (!key) co_return;
    statement stmt{"SELECT @.delete_claim($1, $2, $3::bigint, $4::bigint)",
                   {param(queue.project), param(queue.name.value()), param(key->id),
                    param(std::int64_t{key->tag})}};
    co_await db_.write(lock_order_of(queue), std::move(stmt));
}

// --- maintenance --------------------------------------------------------------------------

net::awaitable<std::int64_t> postgres_driver::collect_garbage() {
    // Batches in transactions of their own (reads run autocommit), until one comes back short
    // or the sweep has taken its budget: no long locks, no long pauses for anyone.
    const auto started = std::chrono::steady_clock::now();
    std::int64_t removed = 0;
    for (;;) {
        statement stmt{"SELECT @.collect_garbage($1::bigint, $2::bigint)",
                       {param(now()), param(gc_batch)}};
        auto r = co_await db_.read(std::move(stmt));
        const auto batch = r.int64(0, 0);
        removed += batch;
        if (batch < gc_batch || std::chrono::steady_clock::now() - started > gc_budget) break;
    }
    co_return removed;
}

net::awaitable<bool> postgres_driver::ping() {
    try {
        auto r = co_await db_.read(make_statement("SELECT 1"));
        co_return r.rows() == 1;
    } catch (const core::error&) {
        co_return false;
    }
}

std::vector<std::string> postgres_driver::capabilities() const {
    // Durable: a write is acknowledged after its commit (synchronous_commit as the server says).
    return {"FIFO", "CLAIMS", "DURABILITY", "AOD", "HIGH_THROUGHPUT"};
}

}  // namespace marconi::storage::postgres
