// Marconi. SQLite connection and statement wrappers.
#include "storage/sqlite/connection.hpp"

#include "storage/contract/error.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <stdexcept>

namespace marconi::storage::sqlite {

namespace {

[[noreturn]] void throw_unavailable(sqlite3* db, std::string_view context) {
    // The SQLite detail goes to the log only; the client sees a safe retryable failure.
    const int code = sqlite3_extended_errcode(db);
    if ((code & 0xff) == SQLITE_FULL) {
        // ENOSPC: nothing of the transaction is kept, and writes work again once space returns.
        spdlog::error("sqlite: out of disk space, writes refused until space is freed: {} in: {}",
                      sqlite3_errmsg(db), context);
        throw core::error{core::errc::unavailable, "The store is out of disk space; retry later."};
    }
    spdlog::error("sqlite: {} (code {}) in: {}", sqlite3_errmsg(db), code, context);
    throw core::error{core::errc::unavailable, "The storage backend is unavailable; retry later."};
}

/// By default SQLite counts every allocation under one process-wide mutex, which the writer and
/// the readers then take on every malloc. Nothing reads those counts. sqlite3_config only works
/// before SQLite initializes, so it runs once, before the first connection opens.
void configure_sqlite_once() {
    static const int configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void)configured;  // SQLITE_MISUSE if something initialized SQLite first: counts stay on
}

}  // namespace

statement::~statement() {
    if (stmt_ != nullptr) {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }
}

void statement::bind(int index, std::int64_t value) {
    if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) conn_->fail(sqlite3_sql(stmt_));
}

void statement::bind(int index, double value) {
    if (sqlite3_bind_double(stmt_, index, value) != SQLITE_OK) conn_->fail(sqlite3_sql(stmt_));
}

void statement::bind(int index, std::string_view value) {
    if (sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                            SQLITE_UTF8) != SQLITE_OK) {
        conn_->fail(sqlite3_sql(stmt_));
    }
}

void statement::bind(int index, std::nullopt_t) {
    if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) conn_->fail(sqlite3_sql(stmt_));
}

bool statement::step() {
    switch (sqlite3_step(stmt_)) {
        case SQLITE_ROW: return true;
        case SQLITE_DONE: return false;
        default: conn_->fail(sqlite3_sql(stmt_));
    }
}

std::int64_t statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string statement::text(int column) const {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return data == nullptr
               ? std::string{}
               : std::string(data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

bool statement::is_null(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

connection::connection(const std::string& path, access mode) {
    configure_sqlite_once();
    const int flags = (mode == access::read_only ? SQLITE_OPEN_READONLY
                                                 : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                      SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
        std::string reason = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        throw std::runtime_error("cannot open SQLite database '" + path + "': " + reason);
    }
    sqlite3_extended_result_codes(db_, 1);
}

connection::~connection() {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
}

statement connection::prepare(std::string_view sql) {
    if (auto it = statements_.find(sql); it != statements_.end()) return {*this, it->second};
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &stmt, nullptr) != SQLITE_OK) {
        fail(sql);
    }
    statements_.emplace(std::string{sql}, stmt);
    return {*this, stmt};
}

void connection::exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(sql);
}

std::int64_t connection::changes() const { return sqlite3_changes64(db_); }

std::int64_t connection::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

bool connection::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

void connection::fail(std::string_view context) const { throw_unavailable(db_, context); }

}  // namespace marconi::storage::sqlite
