// Marconi. One SQLite connection with its prepared-statement cache.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

struct sqlite3;
struct sqlite3_stmt;

namespace marconi::storage::sqlite {

class connection;

/// A cached prepared statement borrowed from its connection for one use: bind, step, read
/// columns. Resets and clears its bindings when it goes out of scope, so the next borrower of
/// the same SQL starts clean. Lives on the thread that owns the connection. Failures throw
/// core::error{unavailable} after logging the SQLite message.
class statement {
public:
    statement(connection& conn, sqlite3_stmt* stmt) : conn_(&conn), stmt_(stmt) {}
    statement(statement&& other) noexcept
        : conn_(other.conn_), stmt_(std::exchange(other.stmt_, nullptr)) {}
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;
    statement& operator=(statement&&) = delete;
    ~statement();

    /// Binds every argument in order, starting at parameter 1.
    template <class... Args>
    statement& bind_all(const Args&... args) {
        int index = 0;
        (bind(++index, args), ...);
        return *this;
    }
    void bind(int index, std::int64_t value);
    void bind(int index, int value) { bind(index, static_cast<std::int64_t>(value)); }
    void bind(int index, bool value) { bind(index, static_cast<std::int64_t>(value)); }
    void bind(int index, double value);
    void bind(int index, std::string_view value);
    void bind(int index, const std::string& value) { bind(index, std::string_view{value}); }
    void bind(int index, const char* value) { bind(index, std::string_view{value}); }
    void bind(int index, std::nullopt_t);
    template <class T>
    void bind(int index, const std::optional<T>& value) {
        value ? bind(index, *value) : bind(index, std::nullopt);
    }

    /// Advances to the next row; false when the statement is done.
    bool step();
    /// Runs a statement that returns no rows to completion.
    void run() {
        while (step()) {
        }
    }

    std::int64_t int64(int column) const;
    std::string text(int column) const;
    bool is_null(int column) const;

private:
    connection* conn_;
    sqlite3_stmt* stmt_;
};

/// An open SQLite database handle, owned and used by exactly one thread (opened with
/// SQLITE_OPEN_NOMUTEX); not thread-safe. Statements are prepared once per SQL text and kept
/// until the connection closes.
class connection {
public:
    enum class access { read_write, read_only };

    /// Opens (creating when read_write) the database at `path`. Throws std::runtime_error naming
    /// the file and the SQLite reason: this runs at start-up, where the operator reads it.
    connection(const std::string& path, access mode);
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    ~connection();

    /// The cached statement for `sql`, prepared on first use.
    statement prepare(std::string_view sql);
    /// Runs one or more statements that need no binding (BEGIN, PRAGMA, DDL).
    void exec(const char* sql);

    /// Rows changed by the last INSERT/UPDATE/DELETE.
    std::int64_t changes() const;
    std::int64_t last_insert_rowid() const;
    /// True between BEGIN and COMMIT/ROLLBACK.
    bool in_transaction() const;

    /// Logs the current SQLite error with `context` and throws core::error{unavailable}.
    [[noreturn]] void fail(std::string_view context) const;

private:
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept {
            return std::hash<std::string_view>{}(s);
        }
    };

    sqlite3* db_ = nullptr;
    std::unordered_map<std::string, sqlite3_stmt*, string_hash, std::equal_to<>> statements_;
};

}  // namespace marconi::storage::sqlite
