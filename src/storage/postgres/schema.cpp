// Marconi. PostgreSQL schema migrations.
#include "storage/postgres/schema.hpp"

#include <libpq-fe.h>

#include <array>
#include <memory>
#include <stdexcept>

namespace marconi::storage::postgres {

namespace {

// Project ids are opaque bytes (not always UTF-8), so they are bytea. Times are milliseconds
// since the Unix epoch, always the caller's clock (a parameter), never
// the database's. A message's key is (queue_id, seq): seq counts per queue, and a post takes
// it from its queue's row under that row's lock, so within a queue seqs commit in order and a
// reader listing from a marker never skips a message that commits later. That key is the
// primary key, so listing, claiming and stats walk one index. Public ids add a random tag so
// they cannot be guessed. A queue is one small row and two index entries.
//
// Every write is one function call, so that one call is one statement: many of them share a
// transaction (group commit) and a round trip (pipeline). Domain outcomes are return values,
// never exceptions, because an exception would abort the shared transaction.
constexpr const char* migration_1 = R"sql(
CREATE TABLE @.queues (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project  bytea  NOT NULL,
    name     text   NOT NULL,
    metadata text   NOT NULL,
    created  bigint NOT NULL,
    last_seq bigint NOT NULL DEFAULT 0,
    UNIQUE (project, name)
);
CREATE TABLE @.messages (
    queue_id      bigint  NOT NULL,
    seq           bigint  NOT NULL,
    tag           bigint  NOT NULL,
    created       bigint  NOT NULL,
    expires       bigint  NOT NULL,
    visible_at    bigint  NOT NULL,
    client_id     text    NOT NULL,
    claim_id      bigint,
    claim_expires bigint,
    claim_count   integer NOT NULL DEFAULT 0,
    body          text    NOT NULL,
    PRIMARY KEY (queue_id, seq)
);
CREATE INDEX messages_by_expiry ON @.messages (expires);
CREATE INDEX messages_by_claim ON @.messages (claim_id) WHERE claim_id IS NOT NULL;
CREATE TABLE @.claims (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queue_id bigint NOT NULL,
    tag      bigint NOT NULL,
    created  bigint NOT NULL,
    expires  bigint NOT NULL
);
CREATE INDEX claims_by_queue ON @.claims (queue_id);
CREATE INDEX claims_by_expiry ON @.claims (expires);

-- Subscriptions of a queue or topic, by project and source name (they outlive their queue, as
-- in Zaqar). Creation order is id order; (project, source, subscriber) is unique, expired rows
-- included: writers delete an expired holder of a subscriber before taking it over.
CREATE TABLE @.subscriptions (
    id         bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tag        bigint  NOT NULL,
    project    bytea   NOT NULL,
    source     text    NOT NULL,
    subscriber text    NOT NULL,
    created    bigint  NOT NULL,
    expires    bigint  NOT NULL,
    ttl        bigint  NOT NULL,
    options    text    NOT NULL,
    confirmed  boolean NOT NULL,
    UNIQUE (project, source, subscriber)
);
CREATE INDEX subscriptions_by_source ON @.subscriptions (project, source, id);
CREATE INDEX subscriptions_by_expiry ON @.subscriptions (expires);

-- The control store: pools, flavors and the catalog.
CREATE TABLE @.pools (
    name    text PRIMARY KEY,
    uri     text   NOT NULL,
    weight  bigint NOT NULL,
    flavor  text,
    options text   NOT NULL
);
CREATE TABLE @.flavors (
    project bytea NOT NULL,
    name    text NOT NULL,
    PRIMARY KEY (project, name)
);
CREATE TABLE @.catalog (
    project bytea NOT NULL,
    queue   text NOT NULL,
    pool    text NOT NULL,
    PRIMARY KEY (project, queue)
);
CREATE INDEX catalog_by_pool ON @.catalog (pool);

-- 32 random bits for an id's tag, so ids cannot be guessed. random() is seeded per session from
-- the strong generator; a tag is no secret key, only not guessable from other ids.
CREATE FUNCTION @.random_tag() RETURNS bigint LANGUAGE sql VOLATILE AS $$
    SELECT floor(random() * 4294967296)::bigint
$$;

-- The queue's row id, the queue created when missing, and the last of `p_count` new seqs.
-- Its row lock orders the posts to one queue until the transaction ends.
CREATE FUNCTION @.reserve_seqs(p_project bytea, p_name text, p_count bigint, p_now bigint,
                               OUT o_queue bigint, OUT o_last bigint)
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE @.queues q SET last_seq = q.last_seq + p_count
     WHERE q.project = p_project AND q.name = p_name RETURNING q.id, q.last_seq INTO o_queue, o_last;
    IF NOT FOUND THEN
        INSERT INTO @.queues (project, name, metadata, created)
        VALUES (p_project, p_name, '{}', p_now) ON CONFLICT (project, name) DO NOTHING;
        UPDATE @.queues q SET last_seq = q.last_seq + p_count
         WHERE q.project = p_project AND q.name = p_name RETURNING q.id, q.last_seq INTO o_queue, o_last;
    END IF;
END $$;

-- The batch in order at the queue's tail. The queue row is updated first (its lock orders the
-- posts to one queue), and created only when that finds none: one statement per post in the
-- common case.
CREATE FUNCTION @.post_messages(p_project bytea, p_name text, p_client text, p_now bigint,
                                p_ttls bigint[], p_delays bigint[], p_bodies text[])
RETURNS TABLE (seq bigint, tag bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_count bigint := cardinality(p_bodies);
    v_queue bigint;
    v_last bigint;
BEGIN
    UPDATE @.queues q SET last_seq = q.last_seq + v_count
     WHERE q.project = p_project AND q.name = p_name RETURNING q.id, q.last_seq INTO v_queue, v_last;
    IF NOT FOUND THEN
        SELECT r.o_queue, r.o_last INTO v_queue, v_last
          FROM @.reserve_seqs(p_project, p_name, v_count, p_now) r;
    END IF;
    RETURN QUERY
    INSERT INTO @.messages AS m (queue_id, seq, tag, created, expires, visible_at, client_id, body)
    SELECT v_queue, v_last - v_count + g.i, @.random_tag(), p_now, p_now + g.ttl * 1000,
           p_now + g.delay * 1000, p_client, g.body
      FROM unnest(p_ttls, p_delays, p_bodies) WITH ORDINALITY AS g(ttl, delay, body, i)
    RETURNING m.seq, m.tag;
END $$;

-- A page of messages in seq order after p_after. Like every function that takes the oldest
-- messages of a queue (pop_messages, create_claim), it plans with sorts and bitmap scans off:
-- the statistics of a queue table are stale as often as not (a queue that was empty at the
-- last ANALYZE holds a million messages now), and a planner that believes a queue is small
-- reads and sorts all of it to return 20 rows. Off, the only plan is the primary key's range
-- scan in order, which stops after p_limit rows.
CREATE FUNCTION @.list_messages(p_project bytea, p_name text, p_after bigint, p_now bigint,
                                p_delayed boolean, p_claimed boolean, p_echo boolean,
                                p_client text, p_limit bigint)
RETURNS TABLE (seq bigint, tag bigint, created bigint, expires bigint, claim_id bigint,
               claim_tag bigint, claim_expires bigint, claim_count integer, body text)
LANGUAGE plpgsql STABLE SET enable_sort = off SET enable_bitmapscan = off AS $$
BEGIN
    -- PL/pgSQL, not SQL: a session keeps its plan (an SQL function plans on every call).
    RETURN QUERY
    SELECT m.seq, m.tag, m.created, m.expires, m.claim_id, c.tag, m.claim_expires,
           m.claim_count, m.body
      FROM @.messages m LEFT JOIN @.claims c ON c.id = m.claim_id
     WHERE m.queue_id = (SELECT q.id FROM @.queues q
                          WHERE q.project = p_project AND q.name = p_name)
       AND m.seq > p_after AND m.expires > p_now
       AND (p_delayed OR m.visible_at <= p_now)
       AND (p_claimed OR m.claim_expires IS NULL OR m.claim_expires <= p_now)
       AND (p_echo OR m.client_id <> p_client)
     ORDER BY m.seq LIMIT p_limit;
END $$;

-- 0: deleted, or no such message; 1: message_claimed; 2: claim_invalid; 3: message_not_claimed.
-- A claim id that was given but cannot be ours is passed as -1.
CREATE FUNCTION @.delete_message(p_project bytea, p_name text, p_seq bigint, p_tag bigint,
                                 p_claim bigint, p_claim_tag bigint, p_now bigint)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_queue bigint;
    v_holder bigint;
    v_given bigint;
BEGIN
    SELECT q.id INTO v_queue FROM @.queues q WHERE q.project = p_project AND q.name = p_name;
    IF v_queue IS NULL THEN RETURN 0; END IF;
    SELECT CASE WHEN m.claim_expires > p_now THEN m.claim_id END INTO v_holder
      FROM @.messages m
     WHERE m.queue_id = v_queue AND m.seq = p_seq AND m.tag = p_tag AND m.expires > p_now
       FOR UPDATE;
    IF NOT FOUND THEN RETURN 0; END IF;
    IF p_claim IS NOT NULL THEN
        SELECT c.id INTO v_given FROM @.claims c
         WHERE c.id = p_claim AND c.tag = p_claim_tag AND c.queue_id = v_queue
           AND c.expires > p_now;
    END IF;
    IF v_holder IS NOT NULL THEN
        IF p_claim IS NULL THEN RETURN 1; END IF;
        IF v_given IS NULL THEN RETURN 2; END IF;
        IF v_given <> v_holder THEN RETURN 1; END IF;
    ELSIF p_claim IS NOT NULL THEN
        IF v_given IS NULL THEN RETURN 2; END IF;
        RETURN 3;
    END IF;
    DELETE FROM @.messages m WHERE m.queue_id = v_queue AND m.seq = p_seq;
    RETURN 0;
END $$;

-- 0: deleted; 2: with claims, a listed live message is not held by one of them (nothing is
-- deleted).
CREATE FUNCTION @.delete_messages(p_project bytea, p_name text, p_seqs bigint[], p_tags bigint[],
                                  p_with_claims boolean, p_claims bigint[],
                                  p_claim_tags bigint[], p_now bigint)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_queue bigint;
    v_live bigint[];
BEGIN
    SELECT q.id INTO v_queue FROM @.queues q WHERE q.project = p_project AND q.name = p_name;
    IF v_queue IS NULL THEN RETURN 0; END IF;
    PERFORM 1 FROM @.messages m JOIN unnest(p_seqs, p_tags) AS g(seq, tag)
                ON m.seq = g.seq AND m.tag = g.tag
     WHERE m.queue_id = v_queue AND m.expires > p_now FOR UPDATE OF m;
    IF p_with_claims THEN
        SELECT coalesce(array_agg(c.id), '{}') INTO v_live
          FROM @.claims c JOIN unnest(p_claims, p_claim_tags) AS g(id, tag)
            ON c.id = g.id AND c.tag = g.tag
         WHERE c.queue_id = v_queue AND c.expires > p_now;
        IF EXISTS (SELECT 1 FROM @.messages m JOIN unnest(p_seqs, p_tags) AS g(seq, tag)
                       ON m.seq = g.seq AND m.tag = g.tag
                    WHERE m.queue_id = v_queue AND m.expires > p_now
                      AND NOT coalesce(m.claim_expires > p_now AND m.claim_id = ANY (v_live),
                                       false)) THEN
            RETURN 2;
        END IF;
    END IF;
    DELETE FROM @.messages m USING unnest(p_seqs, p_tags) AS g(seq, tag)
     WHERE m.queue_id = v_queue AND m.seq = g.seq AND m.tag = g.tag AND m.expires > p_now;
    RETURN 0;
END $$;

CREATE FUNCTION @.pop_messages(p_project bytea, p_name text, p_limit bigint, p_now bigint)
RETURNS TABLE (seq bigint, tag bigint, created bigint, expires bigint, claim_count integer,
               body text)
LANGUAGE plpgsql SET enable_sort = off SET enable_bitmapscan = off AS $$
#variable_conflict use_column
DECLARE
    v_queue bigint;
    v_seqs bigint[];
BEGIN
    SELECT q.id INTO v_queue FROM @.queues q WHERE q.project = p_project AND q.name = p_name;
    IF v_queue IS NULL OR p_limit <= 0 THEN RETURN; END IF;
    SELECT array_agg(n.seq) INTO v_seqs FROM (
        SELECT m.seq FROM @.messages m
         WHERE m.queue_id = v_queue AND m.expires > p_now AND m.visible_at <= p_now
           AND (m.claim_expires IS NULL OR m.claim_expires <= p_now)
         ORDER BY m.seq LIMIT p_limit FOR UPDATE SKIP LOCKED) n;
    -- In no particular order: the caller sorts by seq.
    RETURN QUERY
    DELETE FROM @.messages m WHERE m.queue_id = v_queue AND m.seq = ANY (v_seqs)
    RETURNING m.seq, m.tag, m.created, m.expires, m.claim_count, m.body;
END $$;

-- Claims up to p_limit of the oldest claimable messages; SKIP LOCKED lets concurrent claimers
-- pass each other instead of waiting or taking the same message. With p_max_claims > 0, a
-- message claimed that often already moves to the queue p_dlq instead. Returns the claimed
-- messages in no particular order (none: nothing was claimed, and no claim remains).
CREATE FUNCTION @.create_claim(p_project bytea, p_name text, p_ttl bigint, p_grace bigint,
                               p_limit bigint, p_dlq text, p_max_claims bigint,
                               p_dlq_ttl bigint, p_now bigint)
RETURNS TABLE (claim bigint, claim_tag bigint, seq bigint, tag bigint, created bigint,
               expires bigint, claim_count integer, body text)
LANGUAGE plpgsql SET enable_sort = off SET enable_bitmapscan = off AS $$
#variable_conflict use_column
DECLARE
    v_queue bigint;
    v_claim bigint;
    v_claim_tag bigint := @.random_tag();
    v_expires bigint := p_now + p_ttl * 1000;
    v_min_life bigint := p_now + (p_ttl + p_grace) * 1000;
    v_taken bigint[] := '{}';
    v_moved boolean;
    v_row record;
    v_dlq bigint;
    v_dlq_seq bigint;
BEGIN
    SELECT q.id INTO v_queue FROM @.queues q WHERE q.project = p_project AND q.name = p_name;
    IF v_queue IS NULL OR p_limit <= 0 THEN RETURN; END IF;
    IF p_max_claims <= 0 THEN
        SELECT coalesce(array_agg(n.seq), '{}') INTO v_taken FROM (
            SELECT m.seq FROM @.messages m
             WHERE m.queue_id = v_queue AND m.expires > p_now AND m.visible_at <= p_now
               AND (m.claim_expires IS NULL OR m.claim_expires <= p_now)
             ORDER BY m.seq LIMIT p_limit FOR UPDATE SKIP LOCKED) n;
    ELSE
        LOOP
            v_moved := false;
            FOR v_row IN
                SELECT m.seq, m.claim_count FROM @.messages m
                 WHERE m.queue_id = v_queue AND m.expires > p_now AND m.visible_at <= p_now
                   AND (m.claim_expires IS NULL OR m.claim_expires <= p_now)
                   AND m.seq <> ALL (v_taken)
                 ORDER BY m.seq LIMIT p_limit - cardinality(v_taken) FOR UPDATE SKIP LOCKED
            LOOP
                IF v_row.claim_count >= p_max_claims THEN
                    -- A fresh, unclaimed message at the tail of the dead-letter queue.
                    SELECT r.o_queue, r.o_last INTO v_dlq, v_dlq_seq
                      FROM @.reserve_seqs(p_project, p_dlq, 1, p_now) r;
                    INSERT INTO @.messages (queue_id, seq, tag, created, expires, visible_at,
                                            client_id, body)
                    SELECT v_dlq, v_dlq_seq, @.random_tag(), p_now,
                           coalesce(p_now + p_dlq_ttl * 1000, m.expires), p_now, m.client_id,
                           m.body
                      FROM @.messages m WHERE m.queue_id = v_queue AND m.seq = v_row.seq;
                    DELETE FROM @.messages m WHERE m.queue_id = v_queue AND m.seq = v_row.seq;
                    v_moved := true;
                ELSE
                    v_taken := v_taken || v_row.seq;
                END IF;
            END LOOP;
            -- Only dead-lettering leaves room for more; otherwise the queue had no more.
            EXIT WHEN NOT v_moved OR cardinality(v_taken) >= p_limit;
        END LOOP;
    END IF;
    IF cardinality(v_taken) = 0 THEN RETURN; END IF;
    INSERT INTO @.claims AS c (queue_id, tag, created, expires)
    VALUES (v_queue, v_claim_tag, p_now, v_expires) RETURNING c.id INTO v_claim;
    RETURN QUERY
    UPDATE @.messages m
       SET claim_id = v_claim, claim_expires = v_expires, claim_count = m.claim_count + 1,
           expires = greatest(m.expires, v_min_life)
     WHERE m.queue_id = v_queue AND m.seq = ANY (v_taken)
    RETURNING v_claim, v_claim_tag, m.seq, m.tag, m.created, m.expires, m.claim_count, m.body;
END $$;

-- Zaqar measures a claim's age from its last update, so `created` moves too. False: no such
-- live claim.
CREATE FUNCTION @.update_claim(p_project bytea, p_name text, p_claim bigint, p_tag bigint,
                               p_ttl bigint, p_grace bigint, p_now bigint)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    UPDATE @.claims c SET created = p_now, expires = p_now + p_ttl * 1000
      FROM @.queues q
     WHERE q.project = p_project AND q.name = p_name AND c.queue_id = q.id
       AND c.id = p_claim AND c.tag = p_tag AND c.expires > p_now;
    IF NOT FOUND THEN RETURN false; END IF;
    UPDATE @.messages m
       SET claim_expires = p_now + p_ttl * 1000,
           expires = greatest(m.expires, p_now + (p_ttl + p_grace) * 1000)
     WHERE m.claim_id = p_claim AND m.expires > p_now;
    RETURN true;
END $$;

CREATE FUNCTION @.delete_claim(p_project bytea, p_name text, p_claim bigint, p_tag bigint)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM @.claims c USING @.queues q
     WHERE q.project = p_project AND q.name = p_name AND c.queue_id = q.id
       AND c.id = p_claim AND c.tag = p_tag;
    IF FOUND THEN
        UPDATE @.messages m SET claim_id = NULL, claim_expires = NULL WHERE m.claim_id = p_claim;
    END IF;
END $$;

-- Every message and claim of the queue; with p_queue_too, the queue itself.
CREATE FUNCTION @.clear_queue(p_project bytea, p_name text, p_queue_too boolean)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_queue bigint;
BEGIN
    SELECT q.id INTO v_queue FROM @.queues q
     WHERE q.project = p_project AND q.name = p_name FOR UPDATE;
    IF v_queue IS NULL THEN RETURN; END IF;
    DELETE FROM @.messages m WHERE m.queue_id = v_queue;
    DELETE FROM @.claims c WHERE c.queue_id = v_queue;
    IF p_queue_too THEN DELETE FROM @.queues q WHERE q.id = v_queue; END IF;
END $$;

-- At most p_limit expired messages, claims and subscriptions each: short transactions that
-- skip rows other transactions hold. Returns how many rows went.
CREATE FUNCTION @.collect_garbage(p_now bigint, p_limit bigint)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    v_messages bigint;
    v_claims bigint;
    v_subscriptions bigint;
BEGIN
    WITH doomed AS (
        SELECT n.queue_id, n.seq FROM @.messages n WHERE n.expires <= p_now
         LIMIT p_limit FOR UPDATE SKIP LOCKED)
    DELETE FROM @.messages m USING doomed d WHERE m.queue_id = d.queue_id AND m.seq = d.seq;
    GET DIAGNOSTICS v_messages = ROW_COUNT;
    WITH gone AS (
        DELETE FROM @.claims c WHERE c.id IN (
            SELECT e.id FROM @.claims e WHERE e.expires <= p_now
             LIMIT p_limit FOR UPDATE SKIP LOCKED)
        RETURNING c.id),
    released AS (
        UPDATE @.messages m SET claim_id = NULL, claim_expires = NULL
          FROM gone WHERE m.claim_id = gone.id RETURNING 1)
    SELECT count(*) INTO v_claims FROM gone;
    DELETE FROM @.subscriptions s WHERE s.id IN (
        SELECT e.id FROM @.subscriptions e WHERE e.expires <= p_now
         LIMIT p_limit FOR UPDATE SKIP LOCKED);
    GET DIAGNOSTICS v_subscriptions = ROW_COUNT;
    RETURN v_messages + v_claims + v_subscriptions;
END $$;

-- A new subscription unless a live one of this source has the subscriber: then that one's id.
CREATE FUNCTION @.create_subscription(p_project bytea, p_source text, p_subscriber text,
                                      p_ttl bigint, p_options text, p_confirmed boolean,
                                      p_now bigint)
RETURNS TABLE (id bigint, tag bigint, created boolean, confirmed boolean)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    DELETE FROM @.subscriptions s
     WHERE s.project = p_project AND s.source = p_source AND s.subscriber = p_subscriber
       AND s.expires <= p_now;
    RETURN QUERY
    INSERT INTO @.subscriptions AS s (tag, project, source, subscriber, created, expires, ttl,
                                      options, confirmed)
    VALUES (@.random_tag(), p_project, p_source, p_subscriber, p_now, p_now + p_ttl * 1000,
            p_ttl, p_options, p_confirmed)
    ON CONFLICT (project, source, subscriber) DO NOTHING
    RETURNING s.id, s.tag, true, s.confirmed;
    IF NOT FOUND THEN
        RETURN QUERY
        SELECT s.id, s.tag, false, s.confirmed FROM @.subscriptions s
         WHERE s.project = p_project AND s.source = p_source AND s.subscriber = p_subscriber;
    END IF;
END $$;

-- 0: updated; 1: no such live subscription; 2: another subscription has the new subscriber.
CREATE FUNCTION @.update_subscription(p_project bytea, p_source text, p_id bigint, p_tag bigint,
                                      p_subscriber text, p_ttl bigint, p_options text,
                                      p_now bigint)
RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM @.subscriptions s
     WHERE s.id = p_id AND s.tag = p_tag AND s.project = p_project AND s.source = p_source
       AND s.expires > p_now FOR UPDATE;
    IF NOT FOUND THEN RETURN 1; END IF;
    IF p_subscriber IS NOT NULL THEN
        DELETE FROM @.subscriptions s
         WHERE s.project = p_project AND s.source = p_source AND s.subscriber = p_subscriber
           AND s.expires <= p_now;
        IF EXISTS (SELECT 1 FROM @.subscriptions s
                    WHERE s.project = p_project AND s.source = p_source
                      AND s.subscriber = p_subscriber AND s.id <> p_id) THEN
            RETURN 2;
        END IF;
        UPDATE @.subscriptions s SET subscriber = p_subscriber WHERE s.id = p_id;
    END IF;
    IF p_ttl IS NOT NULL THEN
        UPDATE @.subscriptions s SET ttl = p_ttl, expires = p_now + p_ttl * 1000
         WHERE s.id = p_id;
    END IF;
    IF p_options IS NOT NULL THEN
        UPDATE @.subscriptions s SET options = p_options WHERE s.id = p_id;
    END IF;
    RETURN 0;
END $$;
)sql";

// Index i takes the schema from version i to version i + 1. Append only; never edit one that
// has shipped.
constexpr std::array migrations{migration_1};

struct pg_conn_deleter {
    void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct pg_result_deleter {
    void operator()(PGresult* result) const { PQclear(result); }
};
using owned_result = std::unique_ptr<PGresult, pg_result_deleter>;

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

owned_result exec(PGconn* conn, const std::string& sql) {
    owned_result result{PQexec(conn, sql.c_str())};
    const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        throw std::runtime_error("migrating the PostgreSQL schema failed: " +
                                 trimmed(PQerrorMessage(conn)));
    }
    return result;
}

}  // namespace

std::string qualified(std::string_view sql, const std::string& schema) {
    const std::string prefix = "\"" + schema + "\".";
    std::string out;
    out.reserve(sql.size() + 256);
    for (std::size_t i = 0; i < sql.size(); ++i) {
        if (sql[i] == '@' && i + 1 < sql.size() && sql[i + 1] == '.') {
            out += prefix;
            ++i;
        } else {
            out += sql[i];
        }
    }
    return out;
}

void migrate(const std::string& conninfo, const std::string& schema) {
    std::unique_ptr<PGconn, pg_conn_deleter> conn{PQconnectdb(conninfo.c_str())};
    if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
        throw std::runtime_error(
            "cannot connect to PostgreSQL: " +
            (conn ? trimmed(PQerrorMessage(conn.get())) : std::string{"out of memory"}));
    }
    PQsetNoticeProcessor(
        conn.get(), [](void*, const char*) {}, nullptr);
    const auto q = [&](std::string_view sql) { return qualified(sql, schema); };
    exec(conn.get(), "BEGIN");
    // Heads starting together: the first migrates, the others wait and find it done.
    exec(conn.get(), "SELECT pg_advisory_xact_lock(hashtext('marconi schema " + schema + "'))");
    exec(conn.get(), "CREATE SCHEMA IF NOT EXISTS \"" + schema + "\"");
    exec(conn.get(), q("CREATE TABLE IF NOT EXISTS @.schema_version (version integer NOT NULL)"));
    auto found = exec(conn.get(), q("SELECT version FROM @.schema_version"));
    long version = 0;
    if (PQntuples(found.get()) > 0) {
        version = std::stol(PQgetvalue(found.get(), 0, 0));
    } else {
        exec(conn.get(), q("INSERT INTO @.schema_version VALUES (0)"));
    }
    if (version > static_cast<long>(migrations.size())) {
        throw std::runtime_error("PostgreSQL schema \"" + schema + "\" has version " +
                                 std::to_string(version) + ", newer than this Marconi knows (" +
                                 std::to_string(migrations.size()) + "); upgrade Marconi");
    }
    for (auto v = static_cast<std::size_t>(version); v < migrations.size(); ++v) {
        exec(conn.get(), q(migrations[v]));
    }
    exec(conn.get(),
         q("UPDATE @.schema_version SET version = " + std::to_string(migrations.size())));
    exec(conn.get(), "COMMIT");
}

}  // namespace marconi::storage::postgres
