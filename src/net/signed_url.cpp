// Marconi.
#include "net/signed_url.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace marconi::signing {

namespace {

std::string sorted_and_joined(std::vector<std::string> items) {
    std::sort(items.begin(), items.end());
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out.push_back(',');
        out += item;
    }
    return out;
}

/// Reads exactly `digits` decimal digits at `pos`, advancing it.
std::optional<int> read_number(std::string_view text, std::size_t& pos, std::size_t digits) {
    if (pos + digits > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < digits; ++i) {
        const char c = text[pos + i];
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    pos += digits;
    return value;
}

bool skip(std::string_view text, std::size_t& pos, char expected) {
    if (pos < text.size() && text[pos] == expected) {
        ++pos;
        return true;
    }
    return false;
}

/// The zone suffix at `pos` as an offset east of UTC; nullopt if malformed.
std::optional<std::chrono::minutes> read_zone(std::string_view text, std::size_t& pos) {
    if (pos == text.size()) return std::chrono::minutes{0};
    if (skip(text, pos, 'Z')) return std::chrono::minutes{0};
    const char sign = text[pos];
    if (sign != '+' && sign != '-') return std::nullopt;
    ++pos;
    const auto hours = read_number(text, pos, 2);
    if (!hours || *hours > 23) return std::nullopt;
    int minutes = 0;
    if (pos < text.size()) {
        skip(text, pos, ':');
        const auto m = read_number(text, pos, 2);
        if (!m || *m > 59) return std::nullopt;
        minutes = *m;
    }
    const std::chrono::minutes offset{*hours * 60 + minutes};
    return sign == '+' ? offset : -offset;
}

std::vector<std::string> split_commas(std::string_view text) {
    std::vector<std::string> items;
    while (true) {
        const auto comma = text.find(',');
        items.emplace_back(text.substr(0, comma));
        if (comma == std::string_view::npos) return items;
        text.remove_prefix(comma + 1);
    }
}

bool covers(std::string_view granted, std::string_view path) {
    return !granted.empty() && path.starts_with(granted) &&
           (path.size() == granted.size() || path[granted.size()] == '/');
}

}  // namespace

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
             &size) == nullptr) {
        throw std::runtime_error("OpenSSL HMAC-SHA256 failed");
    }
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(size * 2);
    for (unsigned int i = 0; i < size; ++i) {
        hex.push_back(digits[mac[i] >> 4]);
        hex.push_back(digits[mac[i] & 0xf]);
    }
    return hex;
}

bool same_secret(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string sign(std::string_view secret_key, const url_grant& grant) {
    // Zaqar formats the body with a raw string, r'%(paths)s\n...': each separator is the two
    // characters backslash and 'n', not a newline. Byte order sorts UTF-8 as Python sorts
    // code points.
    static constexpr std::string_view separator = "\\n";
    std::string body = sorted_and_joined(grant.paths);
    body += separator;
    body += sorted_and_joined(grant.methods);
    body += separator;
    body += grant.project;
    body += separator;
    body += grant.expires;

    return hmac_sha256_hex(secret_key, body);
}

std::optional<std::chrono::sys_seconds> parse_expires(std::string_view text) {
    using namespace std::chrono;
    std::size_t pos = 0;
    const auto y = read_number(text, pos, 4);
    if (!y || !skip(text, pos, '-')) return std::nullopt;
    const auto m = read_number(text, pos, 2);
    if (!m || !skip(text, pos, '-')) return std::nullopt;
    const auto d = read_number(text, pos, 2);
    if (!d) return std::nullopt;
    const year_month_day date{year{*y}, month{static_cast<unsigned>(*m)},
                              day{static_cast<unsigned>(*d)}};
    if (!date.ok()) return std::nullopt;

    seconds time_of_day{0};
    if (skip(text, pos, 'T') || skip(text, pos, ' ')) {
        const auto hh = read_number(text, pos, 2);
        if (!hh || *hh > 23 || !skip(text, pos, ':')) return std::nullopt;
        const auto mm = read_number(text, pos, 2);
        if (!mm || *mm > 59) return std::nullopt;
        int ss = 0;
        if (skip(text, pos, ':')) {
            const auto s = read_number(text, pos, 2);
            if (!s || *s > 59) return std::nullopt;
            ss = *s;
            if (skip(text, pos, '.') || skip(text, pos, ',')) {
                const auto fraction_start = pos;
                while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
                if (pos == fraction_start) return std::nullopt;
            }
        }
        time_of_day = hours{*hh} + minutes{*mm} + seconds{ss};
    }
    const auto offset = read_zone(text, pos);
    if (!offset || pos != text.size()) return std::nullopt;
    return sys_days{date} + time_of_day - *offset;
}

std::string format_expires(std::chrono::sys_seconds when) {
    using namespace std::chrono;
    const auto day_start = floor<days>(when);
    const year_month_day date{day_start};
    const hh_mm_ss time{when - day_start};
    char out[32];
    std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()));
    return out;
}

bool verify(std::string_view secret_key, const presented_signature& presented,
            std::string_view method, std::string_view path,
            std::chrono::system_clock::time_point now) {
    if (secret_key.empty()) return false;
    url_grant grant{split_commas(presented.paths),
                    split_commas(presented.methods),
                    std::string(presented.project),
                    {}};
    if (std::find(grant.methods.begin(), grant.methods.end(), method) == grant.methods.end()) {
        return false;
    }
    if (std::none_of(grant.paths.begin(), grant.paths.end(),
                     [&](const std::string& granted) { return covers(granted, path); })) {
        return false;
    }
    const auto expires = parse_expires(presented.expires);
    // In seconds: nanosecond time points overflow after 2262, and Zaqar accepts years to 9999.
    // Equivalent to Zaqar's comparison, as `expires` has no fraction.
    if (!expires || *expires <= std::chrono::floor<std::chrono::seconds>(now)) return false;
    grant.expires = format_expires(*expires);
    const auto expected = sign(secret_key, grant);
    return same_secret(presented.signature, expected);
}

}  // namespace marconi::signing
