// Marconi. PostgreSQL subscription operations.
#include "storage/postgres/postgres_subscription_store.hpp"

#include "storage/contract/errors.hpp"
#include "storage/contract/row_key.hpp"
#include "storage/postgres/database.hpp"

namespace marconi::storage::postgres {

namespace {

constexpr const char* subscription_columns =
    "id, tag, subscriber, created, expires, ttl, options, confirmed";

core::subscription read_subscription(const result& r, int row) {
    core::subscription s;
    s.id = core::subscription_id{key_at(r, row, 0)};
    s.subscriber = std::string{r.text(row, 2)};
    s.created = from_millis(r.int64(row, 3));
    s.expires = from_millis(r.int64(row, 4));
    s.ttl = r.int64(row, 5);
    s.options_json = std::string{r.text(row, 6)};
    s.confirmed = r.boolean(row, 7);
    return s;
}

}  // namespace

net::awaitable<core::subscription_created> postgres_subscription_store::create_subscription(
    core::queue_address source, core::new_subscription subscription) {
    statement stmt{
        "SELECT id, tag, created, confirmed FROM @.create_subscription($1, $2, $3,"
        " $4::bigint, $5, $6::boolean, $7::bigint)",
        {param(source.project), param(source.name.value()),
         param(std::move(subscription.subscriber)), param(subscription.ttl),
         param(std::move(subscription.options_json)), param(subscription.confirmed), param(now())}};
    auto r = co_await db_.write(lock_order_of(source), std::move(stmt));
    co_return core::subscription_created{core::subscription_id{key_at(r, 0, 0)}, r.boolean(0, 2),
                                         r.boolean(0, 3)};
}

net::awaitable<std::vector<core::subscription>> postgres_subscription_store::list_subscriptions(
    core::queue_address source, std::optional<std::string> marker, std::int64_t limit) {
    const auto after = row_after(marker);
    std::vector<core::subscription> out;
    if (limit <= 0) co_return out;
    statement stmt{
        std::string{"SELECT "} + subscription_columns +
            " FROM @.subscriptions WHERE project = $1 AND source = $2 AND id > $3::bigint"
            " AND expires > $4::bigint ORDER BY id LIMIT $5::bigint",
        {param(source.project), param(source.name.value()), param(after), param(now()),
         param(limit)}};
    auto r = co_await db_.read(std::move(stmt));
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back(read_subscription(r, i));
    }
    co_return out;
}

net::awaitable<std::optional<core::subscription>> postgres_subscription_store::get_subscription(
    core::queue_address source, core::subscription_id id) {
    auto key = decode_key(id.value());
    if (!key) co_return std::nullopt;
    statement stmt{std::string{"SELECT "} + subscription_columns +
                       " FROM @.subscriptions WHERE id = $1::bigint AND tag = $2::bigint"
                       " AND project = $3 AND source = $4 AND expires > $5::bigint",
                   {param(key->id), param(std::int64_t{key->tag}), param(source.project),
                    param(source.name.value()), param(now())}};
    auto r = co_await db_.read(std::move(stmt));
    if (r.rows() == 0) co_return std::nullopt;
    co_return read_subscription(r, 0);
}

net::awaitable<void> postgres_subscription_store::update_subscription(
    core::queue_address source, core::subscription_id id, core::subscription_update update) {
    auto key = decode_key(id.value());
    if (!key) errors::subscription_not_found(id);
    statement stmt{
        "SELECT @.update_subscription($1, $2, $3::bigint, $4::bigint, $5, $6::bigint,"
        " $7, $8::bigint)",
        {param(source.project), param(source.name.value()), param(key->id),
         param(std::int64_t{key->tag}), std::move(update.subscriber),
         update.ttl ? param(*update.ttl) : std::optional<std::string>{},
         std::move(update.options_json), param(now())}};
    auto r = co_await db_.write(lock_order_of(source), std::move(stmt));
    switch (r.int64(0, 0)) {
        case 1: errors::subscription_not_found(id);
        case 2: errors::subscription_exists();
        default: break;
    }
}

net::awaitable<void> postgres_subscription_store::delete_subscription(core::queue_address source,
                                                                      core::subscription_id id) {
    auto key = decode_key(id.value());
    if (!key) co_return;
    statement stmt{
        "DELETE FROM @.subscriptions WHERE id = $1::bigint"
        " AND tag = $2::bigint AND project = $3 AND source = $4",
        {param(key->id), param(std::int64_t{key->tag}), param(source.project),
         param(source.name.value())}};
    co_await db_.write(lock_order_of(source), std::move(stmt));
}

net::awaitable<void> postgres_subscription_store::confirm_subscription(core::queue_address source,
                                                                       core::subscription_id id,
                                                                       bool confirmed) {
    auto key = decode_key(id.value());
    if (!key) errors::subscription_not_found(id);
    statement stmt{
        "UPDATE @.subscriptions SET confirmed = $5::boolean WHERE id = $1::bigint"
        " AND tag = $2::bigint AND project = $3 AND source = $4 AND expires > $6::bigint"
        " RETURNING 1",
        {param(key->id), param(std::int64_t{key->tag}), param(source.project),
         param(source.name.value()), param(confirmed), param(now())}};
    auto r = co_await db_.write(lock_order_of(source), std::move(stmt));
    if (r.rows() == 0) errors::subscription_not_found(id);
}

}  // namespace marconi::storage::postgres
