// Marconi. PostgreSQL results and parameter literals.
#include "storage/postgres/result.hpp"

#include <charconv>
#include <stdexcept>

namespace marconi::storage::postgres {

bool result::ok() const {
    if (!raw_) return false;
    const auto status = PQresultStatus(raw_.get());
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

std::string_view result::sqlstate() const {
    if (!raw_) return {};
    const char* state = PQresultErrorField(raw_.get(), PG_DIAG_SQLSTATE);
    return state ? std::string_view{state} : std::string_view{};
}

std::string result::error_message() const {
    if (!raw_) return "no result";
    if (PQresultStatus(raw_.get()) == PGRES_PIPELINE_ABORTED) {
        return "skipped: an earlier statement of its pipeline failed";
    }
    std::string message = PQresultErrorMessage(raw_.get());
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
        message.pop_back();
    }
    return message;
}

std::string_view result::text(int row, int column) const {
    return {PQgetvalue(raw_.get(), row, column),
            static_cast<std::size_t>(PQgetlength(raw_.get(), row, column))};
}

std::int64_t result::int64(int row, int column) const {
    const auto value = text(row, column);
    std::int64_t out = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
    if (ec != std::errc{} || ptr != value.data() + value.size()) {
        throw std::runtime_error("postgres: not an integer: '" + std::string{value} + "'");
    }
    return out;
}

std::optional<std::string> param(const core::project_id& project) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "\\x";
    out.reserve(2 + project.value().size() * 2);
    for (unsigned char c : project.value()) {
        out += hex[c >> 4];
        out += hex[c & 0xf];
    }
    return out;
}

std::string text_array(const std::vector<std::string>& items) {
    std::size_t size = 2;
    for (const auto& item : items) size += item.size() + 3;
    std::string out;
    out.reserve(size);
    out += '{';
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += ',';
        out += '"';
        for (char c : items[i]) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    out += '}';
    return out;
}

std::string bigint_array(const std::vector<std::int64_t>& items) {
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += ',';
        out += std::to_string(items[i]);
    }
    out += '}';
    return out;
}

}  // namespace marconi::storage::postgres
