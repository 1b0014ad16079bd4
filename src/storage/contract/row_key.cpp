// Marconi. Encoding of SQL row keys and markers.
#include "storage/contract/row_key.hpp"

#include "storage/contract/errors.hpp"

#include <charconv>
#include <limits>

namespace marconi::storage {

namespace {

constexpr std::size_t id_digits = 16;
constexpr std::size_t tag_digits = 8;

template <class T>
std::optional<T> parse_lower_hex(std::string_view text) {
    T value = 0;
    for (char ch : text) {
        // from_chars would also accept upper case; the canonical form is lower case only.
        const bool digit = ch >= '0' && ch <= '9';
        const bool letter = ch >= 'a' && ch <= 'f';
        if (!digit && !letter) return std::nullopt;
        value = static_cast<T>((value << 4) | static_cast<T>(digit ? ch - '0' : ch - 'a' + 10));
    }
    return value;
}

/// Lower-case hex of `value` in exactly `digits` characters, zero-padded, at `out`.
template <class T>
void write_lower_hex(char* out, std::size_t digits, T value) {
    static constexpr char hex[] = "0123456789abcdef";
    for (std::size_t i = digits; i-- > 0; value >>= 4) out[i] = hex[value & 0xf];
}

}  // namespace

std::string encode_key(row_key key) {
    std::string out(id_digits + tag_digits, '0');
    write_lower_hex(out.data(), id_digits, static_cast<std::uint64_t>(key.id));
    write_lower_hex(out.data() + id_digits, tag_digits, static_cast<std::uint32_t>(key.tag));
    return out;
}

std::optional<row_key> decode_key(std::string_view text) {
    if (text.size() != id_digits + tag_digits) return std::nullopt;
    auto id = parse_lower_hex<std::uint64_t>(text.substr(0, id_digits));
    auto tag = parse_lower_hex<std::uint32_t>(text.substr(id_digits));
    // Row ids are positive int64 values; anything above is not an id we issued.
    if (!id || !tag || *id == 0 ||
        *id > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return std::nullopt;
    return row_key{static_cast<std::int64_t>(*id), *tag};
}

std::string encode_marker(std::int64_t seq) { return std::to_string(seq); }

std::optional<std::int64_t> decode_marker(std::string_view text) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value < 0) return std::nullopt;
    return value;
}

std::int64_t seq_after(const std::optional<std::string>& marker) {
    if (!marker) return 0;
    auto seq = decode_marker(*marker);
    if (!seq) errors::invalid_marker();
    return *seq;
}

std::int64_t row_after(const std::optional<std::string>& marker) {
    if (!marker) return 0;
    auto key = decode_key(*marker);
    if (!key) errors::invalid_marker();
    return key->id;
}

}  // namespace marconi::storage
