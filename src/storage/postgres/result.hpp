// Marconi. SQL statements as the PostgreSQL client sends them, and the results it gets back.
#pragma once

#include "storage/contract/ids.hpp"

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace marconi::storage::postgres {

/// One statement. Parameters go as text (nullopt is SQL NULL) and PostgreSQL casts them to the
/// types the SQL names ($1::bigint); it is sent unnamed, so pgbouncer in transaction mode works.
struct statement {
    std::string sql;
    std::vector<std::optional<std::string>> params;
};

/// One statement's result; owns the PGresult.
class result {
public:
    result() = default;
    explicit result(PGresult* raw) : raw_(raw) {}

    bool ok() const;
    /// The SQLSTATE of a failed statement ("40P01" for a deadlock), empty otherwise.
    std::string_view sqlstate() const;
    /// PostgreSQL's message for a failed (or, in a pipeline, skipped) statement.
    std::string error_message() const;

    int rows() const { return raw_ ? PQntuples(raw_.get()) : 0; }
    bool is_null(int row, int column) const { return PQgetisnull(raw_.get(), row, column) != 0; }
    std::string_view text(int row, int column) const;
    std::int64_t int64(int row, int column) const;
    bool boolean(int row, int column) const { return text(row, column) == "t"; }

private:
    struct deleter {
        void operator()(PGresult* raw) const { PQclear(raw); }
    };
    std::unique_ptr<PGresult, deleter> raw_;
};

/// Parameter text for a value.
inline std::optional<std::string> param(std::string text) { return text; }
inline std::optional<std::string> param(std::int64_t value) { return std::to_string(value); }
inline std::optional<std::string> param(bool value) { return value ? "t" : "f"; }
inline std::optional<std::string> param(std::optional<std::string> value) { return value; }
/// A project id as a bytea literal: project ids are opaque bytes, not always valid UTF-8.
std::optional<std::string> param(const core::project_id& project);

/// A statement from its SQL and parameter values (each through param()).
template <class... Values>
statement make_statement(std::string sql, Values&&... values) {
    return {std::move(sql), {param(std::forward<Values>(values))...}};
}

/// A text[] literal of `items` ("{"a","b\"c"}"), every element quoted.
std::string text_array(const std::vector<std::string>& items);
std::string bigint_array(const std::vector<std::int64_t>& items);

}  // namespace marconi::storage::postgres
