// Marconi. Conversion of hiredis replies and checked access to their parts.
#include "storage/redis/reply.hpp"

#include "storage/contract/error.hpp"

#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <charconv>

namespace marconi::storage::redis {

namespace {

[[noreturn]] void unexpected(const reply& r, std::string_view wanted) {
    spdlog::error("redis: expected {} in a reply, got type {} '{}'", wanted,
                  static_cast<int>(r.type), r.text);
    throw core::error{core::errc::unavailable, "The message store gave an unexpected answer."};
}

}  // namespace

reply reply::from(const redisReply& raw) {
    reply out;
    switch (raw.type) {
        case REDIS_REPLY_STATUS:
            out.type = kind::status;
            out.text.assign(raw.str, raw.len);
            break;
        case REDIS_REPLY_ERROR:
            out.type = kind::error;
            out.text.assign(raw.str, raw.len);
            break;
        case REDIS_REPLY_INTEGER:
            out.type = kind::integer;
            out.integer = raw.integer;
            break;
        case REDIS_REPLY_STRING:
            out.type = kind::string;
            out.text.assign(raw.str, raw.len);
            break;
        case REDIS_REPLY_ARRAY:
            out.type = kind::array;
            out.elements.reserve(raw.elements);
            for (std::size_t i = 0; i < raw.elements; ++i)
                out.elements.push_back(from(*raw.element[i]));
            break;
        default: out.type = kind::nil; break;
    }
    return out;
}

std::string_view reply::error_code() const {
    if (type != kind::error) return {};
    std::string_view view = text;
    return view.substr(0, view.find(' '));
}

std::int64_t reply::as_integer() const {
    if (type == kind::integer) return integer;
    if (type == kind::string) {
        // Lua numbers come back as integers, but HGET of a counter is a string.
        std::int64_t value = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec == std::errc{} && end == text.data() + text.size()) return value;
    }
    unexpected(*this, "an integer");
}

const std::string& reply::as_string() const {
    if (type != kind::string && type != kind::status) unexpected(*this, "a string");
    return text;
}

const std::vector<reply>& reply::as_array() const {
    if (type != kind::array) unexpected(*this, "an array");
    return elements;
}

}  // namespace marconi::storage::redis
