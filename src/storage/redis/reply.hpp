// Marconi. An owned copy of a Redis reply: hiredis frees its own as soon as the callback returns.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

struct redisReply;

namespace marconi::storage::redis {

struct reply {
    enum class kind { nil, status, error, integer, string, array };

    kind type = kind::nil;
    std::string text;  ///< string, status and error replies
    std::int64_t integer = 0;
    std::vector<reply> elements;

    static reply from(const redisReply& raw);

    bool is_error() const { return type == kind::error; }
    bool is_nil() const { return type == kind::nil; }
    /// The error's first word (MOVED, ASK, NOSCRIPT, MARCONI...), empty when not an error.
    std::string_view error_code() const;

    /// Accessors that throw core::error{unavailable} on an unexpected shape: a reply that does
    /// not match what the script returns is a driver bug or a foreign key, never client input.
    std::int64_t as_integer() const;
    const std::string& as_string() const;
    const std::vector<reply>& as_array() const;
};

}  // namespace marconi::storage::redis
