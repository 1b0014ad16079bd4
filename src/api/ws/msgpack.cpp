// Marconi.
#include "api/ws/msgpack.hpp"

#include <boost/json.hpp>
#include <bit>
#include <cstdint>
#include <cstring>

#include "api/codec/utf8.hpp"

namespace marconi::api::ws {

namespace json = boost::json;

namespace {

class reader {
public:
    explicit reader(std::string_view in) : in_(in) {}

    bool done() const { return pos_ == in_.size(); }

    std::uint8_t byte() { return static_cast<std::uint8_t>(take(1)[0]); }

    /// A big-endian unsigned integer of `n` bytes.
    std::uint64_t big_endian(std::size_t n) {
        const auto bytes = take(n);
        std::uint64_t v = 0;
        for (char c : bytes) v = (v << 8) | static_cast<std::uint8_t>(c);
        return v;
    }

    std::string_view take(std::uint64_t n) {
        if (n > in_.size() - pos_) throw msgpack_error("truncated data");
        const auto out = in_.substr(pos_, static_cast<std::size_t>(n));
        pos_ += static_cast<std::size_t>(n);
        return out;
    }

private:
    std::string_view in_;
    std::size_t pos_ = 0;
};

json::string text(std::string_view bytes) {
    if (valid_utf8(bytes) != bytes) throw msgpack_error("a string is not UTF-8");
    return json::string(bytes);
}

std::int64_t signed_of(std::uint64_t bits, std::size_t bytes) {
    const auto shift = 64 - 8 * static_cast<int>(bytes);
    return static_cast<std::int64_t>(bits << shift) >> shift;  // sign-extends
}

json::value decode(reader& in, int depth);

json::value decode_array(reader& in, std::uint64_t n, int depth) {
    json::array out;
    for (std::uint64_t i = 0; i < n; ++i) out.push_back(decode(in, depth - 1));
    return out;
}

json::value decode_map(reader& in, std::uint64_t n, int depth) {
    json::object out;
    for (std::uint64_t i = 0; i < n; ++i) {
        auto key = decode(in, depth - 1);
        if (!key.is_string()) throw msgpack_error("a map key is not a string");
        out[key.get_string()] = decode(in, depth - 1);
    }
    return out;
}

json::value decode(reader& in, int depth) {
    if (depth < 0) throw msgpack_error("nested too deeply");
    const auto tag = in.byte();
    if (tag <= 0x7f) return std::int64_t{tag};
    if (tag >= 0xe0) return static_cast<std::int64_t>(static_cast<std::int8_t>(tag));
    if ((tag & 0xf0) == 0x80) return decode_map(in, tag & 0x0f, depth);
    if ((tag & 0xf0) == 0x90) return decode_array(in, tag & 0x0f, depth);
    if ((tag & 0xe0) == 0xa0) return text(in.take(tag & 0x1f));
    switch (tag) {
        case 0xc0: return nullptr;
        case 0xc2: return false;
        case 0xc3: return true;
        case 0xc4:
        case 0xd9: return text(in.take(in.big_endian(1)));
        case 0xc5:
        case 0xda: return text(in.take(in.big_endian(2)));
        case 0xc6:
        case 0xdb: return text(in.take(in.big_endian(4)));
        case 0xca:
            return static_cast<double>(
                std::bit_cast<float>(static_cast<std::uint32_t>(in.big_endian(4))));
        case 0xcb: return std::bit_cast<double>(in.big_endian(8));
        case 0xcc: return in.big_endian(1);
        case 0xcd: return in.big_endian(2);
        case 0xce: return in.big_endian(4);
        case 0xcf: return in.big_endian(8);
        case 0xd0: return signed_of(in.big_endian(1), 1);
        case 0xd1: return signed_of(in.big_endian(2), 2);
        case 0xd2: return signed_of(in.big_endian(4), 4);
        case 0xd3: return signed_of(in.big_endian(8), 8);
        case 0xdc: return decode_array(in, in.big_endian(2), depth);
        case 0xdd: return decode_array(in, in.big_endian(4), depth);
        case 0xde: return decode_map(in, in.big_endian(2), depth);
        case 0xdf: return decode_map(in, in.big_endian(4), depth);
        default: break;
    }
    if (tag == 0xc1) throw msgpack_error("the reserved byte 0xc1 is not a value");
    throw msgpack_error("extension types are not supported");
}

void put_big_endian(std::string& out, std::uint8_t tag, std::uint64_t v, std::size_t bytes) {
    out.push_back(static_cast<char>(tag));
    for (std::size_t i = bytes; i-- > 0;) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void put_uint(std::string& out, std::uint64_t v) {
    if (v <= 0x7f)
        out.push_back(static_cast<char>(v));
    else if (v <= 0xff)
        put_big_endian(out, 0xcc, v, 1);
    else if (v <= 0xffff)
        put_big_endian(out, 0xcd, v, 2);
    else if (v <= 0xffffffff)
        put_big_endian(out, 0xce, v, 4);
    else
        put_big_endian(out, 0xcf, v, 8);
}

void put_int(std::string& out, std::int64_t v) {
    if (v >= 0) return put_uint(out, static_cast<std::uint64_t>(v));
    const auto bits = static_cast<std::uint64_t>(v);
    if (v >= -32)
        out.push_back(static_cast<char>(bits & 0xff));
    else if (v >= INT8_MIN)
        put_big_endian(out, 0xd0, bits, 1);
    else if (v >= INT16_MIN)
        put_big_endian(out, 0xd1, bits, 2);
    else if (v >= INT32_MIN)
        put_big_endian(out, 0xd2, bits, 4);
    else
        put_big_endian(out, 0xd3, bits, 8);
}

/// The header of a str, array or map of `n` items: the fix form up to `fix_max`, then 16 and
/// 32 bits (a str also has an 8-bit form).
void put_length(std::string& out, std::uint64_t n, std::uint8_t fix, std::uint64_t fix_max,
                std::uint8_t tag8, std::uint8_t tag16, std::uint8_t tag32) {
    if (n <= fix_max)
        out.push_back(static_cast<char>(fix | n));
    else if (tag8 != 0 && n <= 0xff)
        put_big_endian(out, tag8, n, 1);
    else if (n <= 0xffff)
        put_big_endian(out, tag16, n, 2);
    else
        put_big_endian(out, tag32, n, 4);
}

void encode(std::string& out, const json::value& v) {
    switch (v.kind()) {
        case json::kind::null: out.push_back(static_cast<char>(0xc0)); break;
        case json::kind::bool_: out.push_back(static_cast<char>(v.get_bool() ? 0xc3 : 0xc2)); break;
        case json::kind::int64: put_int(out, v.get_int64()); break;
        case json::kind::uint64: put_uint(out, v.get_uint64()); break;
        case json::kind::double_:
            put_big_endian(out, 0xcb, std::bit_cast<std::uint64_t>(v.get_double()), 8);
            break;
        case json::kind::string: {
            const auto& s = v.get_string();
            put_length(out, s.size(), 0xa0, 31, 0xd9, 0xda, 0xdb);
            out.append(s.data(), s.size());
            break;
        }
        case json::kind::array:
            put_length(out, v.get_array().size(), 0x90, 15, 0, 0xdc, 0xdd);
            for (const auto& item : v.get_array()) encode(out, item);
            break;
        case json::kind::object:
            put_length(out, v.get_object().size(), 0x80, 15, 0, 0xde, 0xdf);
            for (const auto& [key, item] : v.get_object()) {
                put_length(out, key.size(), 0xa0, 31, 0xd9, 0xda, 0xdb);
                out.append(key.data(), key.size());
                encode(out, item);
            }
            break;
    }
}

}  // namespace

json::value msgpack_to_json(std::string_view packed, int max_depth) {
    reader in{packed};
    auto value = decode(in, max_depth);
    if (!in.done()) throw msgpack_error("extra data after the value");
    return value;
}

std::string json_to_msgpack(const json::value& value) {
    std::string out;
    encode(out, value);
    return out;
}

}  // namespace marconi::api::ws
