// Marconi.
#include "reference_framer.hpp"

#include <cstdint>
#include <optional>

namespace marconi::fuzz {

namespace {

using outcome = framed_request::outcome;
constexpr std::string_view crlf = "\r\n";
constexpr std::uint64_t max_length = std::uint64_t{1} << 62;

framed_request ends(outcome result) {
    framed_request out;
    out.result = result;
    return out;
}

bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_ows(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_ows(text.back())) text.remove_suffix(1);
    return text;
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

/// A line may not hold a bare CR, a LF or a NUL (RFC 9112 sections 2.2 and 5.5).
bool clean_line(std::string_view line) {
    return line.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

/// A comma-separated list (RFC 9110 section 5.6.1): trimmed elements, empty ones dropped.
void append_elements(std::string_view text, std::vector<std::string_view>& out) {
    for (;;) {
        const auto comma = text.find(',');
        const auto element = trim(text.substr(0, comma));
        if (!element.empty()) out.push_back(element);
        if (comma == std::string_view::npos) return;
        text.remove_prefix(comma + 1);
    }
}

int digit_value(char c, unsigned base) {
    if (c >= '0' && c <= '9') return c - '0';
    if (base == 16 && lower(c) >= 'a' && lower(c) <= 'f') return lower(c) - 'a' + 10;
    return -1;
}

/// The digits `text` starts with, as a number; `digits` says how many there were. Nothing
/// when there are none or the value is absurdly large.
std::optional<std::uint64_t> leading_number(std::string_view text, unsigned base,
                                            std::size_t& digits) {
    std::uint64_t value = 0;
    for (digits = 0; digits < text.size() && digit_value(text[digits], base) >= 0; ++digits) {
        value = value * base + static_cast<std::uint64_t>(digit_value(text[digits], base));
        if (value > max_length) return std::nullopt;
    }
    if (digits == 0) return std::nullopt;
    return value;
}

/// A field line: name, colon, value. Nothing for a malformed one.
std::optional<std::pair<std::string, std::string>> field_line(std::string_view line) {
    const auto colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos) return std::nullopt;
    const auto name = line.substr(0, colon);
    for (char c : name) {
        if (is_ows(c)) return std::nullopt;
    }
    return std::pair{std::string(name), std::string(trim(line.substr(colon + 1)))};
}

/// Decodes a chunked body (RFC 9112 section 7.1) starting at `at`; trailer fields are read
/// and dropped. Sets out.length to the end of the message.
void frame_chunked(std::string_view bytes, std::size_t at, framed_request& out) {
    for (;;) {
        const auto eol = bytes.find(crlf, at);
        if (eol == std::string_view::npos) return void(out = ends(outcome::incomplete));
        const auto line = bytes.substr(at, eol - at);
        if (!clean_line(line)) return void(out = ends(outcome::invalid));
        std::size_t digits = 0;
        const auto size = leading_number(line, 16, digits);
        const auto extension = trim(line.substr(digits));
        if (!size || (!extension.empty() && extension.front() != ';')) {
            return void(out = ends(outcome::invalid));
        }
        at = eol + 2;
        if (*size == 0) break;
        if (bytes.size() < at + *size + 2) return void(out = ends(outcome::incomplete));
        if (bytes.substr(at + *size, 2) != crlf) return void(out = ends(outcome::invalid));
        out.body.append(bytes.substr(at, *size));
        at += *size + 2;
    }
    for (;;) {  // trailer section, up to an empty line
        const auto eol = bytes.find(crlf, at);
        if (eol == std::string_view::npos) return void(out = ends(outcome::incomplete));
        const auto line = bytes.substr(at, eol - at);
        at = eol + 2;
        if (line.empty()) break;
        if (is_ows(line.front())) return void(out = ends(outcome::unsure));
        if (!clean_line(line) || !field_line(line)) return void(out = ends(outcome::invalid));
    }
    out.length = at;
}

}  // namespace

framed_request frame_request(std::string_view bytes) {
    // Empty lines before a request line may be skipped (RFC 9112 section 2.2) or refused.
    if (bytes.starts_with(crlf)) return ends(outcome::unsure);
    const auto head_end = bytes.find("\r\n\r\n");
    if (head_end == std::string_view::npos) return ends(outcome::incomplete);

    framed_request out;
    out.result = outcome::framed;
    std::vector<std::string_view> lines;
    for (std::size_t at = 0; at <= head_end;) {
        const auto eol = bytes.find(crlf, at);
        lines.push_back(bytes.substr(at, eol - at));
        at = eol + 2;
    }
    for (const auto line : lines) {
        if (!clean_line(line)) return ends(outcome::invalid);
    }

    // request-line = method SP request-target SP HTTP-version
    const auto request_line = lines.front();
    const auto first_space = request_line.find(' ');
    const auto last_space = request_line.rfind(' ');
    if (first_space == std::string_view::npos || first_space == last_space) {
        return ends(outcome::invalid);
    }
    out.method = request_line.substr(0, first_space);
    out.target = request_line.substr(first_space + 1, last_space - first_space - 1);
    const auto version = request_line.substr(last_space + 1);
    if (out.method.empty() || out.target.empty() || out.target.find(' ') != std::string::npos) {
        return ends(outcome::invalid);
    }
    if (version == "HTTP/1.1") {
        out.version = 11;
    } else if (version == "HTTP/1.0") {
        out.version = 10;
    } else {
        return ends(outcome::invalid);
    }

    std::vector<std::string_view> codings;
    std::vector<std::string_view> lengths;
    bool has_transfer_encoding = false;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        if (is_ows(lines[i].front())) return ends(outcome::unsure);  // obs-fold
        auto field = field_line(lines[i]);
        if (!field) return ends(outcome::invalid);
        out.fields.push_back(std::move(*field));
        // Views into `bytes`, which outlives them: trim the same text again there.
        const auto colon = lines[i].find(':');
        const auto value = lines[i].substr(colon + 1);
        if (iequals(out.fields.back().first, "Transfer-Encoding")) {
            has_transfer_encoding = true;
            append_elements(value, codings);
        } else if (iequals(out.fields.back().first, "Content-Length")) {
            lengths.push_back(value);  // even an empty one: it is malformed, not absent
        }
    }

    const auto body_start = head_end + 4;
    if (has_transfer_encoding) {
        // Only `chunked`, once, with a Content-Length nowhere, in HTTP/1.1.
        if (out.version != 11 || !lengths.empty() || codings.size() != 1 ||
            !iequals(codings.front(), "chunked")) {
            return ends(outcome::invalid);
        }
        frame_chunked(bytes, body_start, out);
        return out;
    }
    std::optional<std::uint64_t> length;
    for (const auto field_value : lengths) {
        std::vector<std::string_view> values;
        append_elements(field_value, values);
        if (values.empty()) return ends(outcome::invalid);
        for (const auto text : values) {
            std::size_t digits = 0;
            const auto value = leading_number(text, 10, digits);
            if (!value || digits != text.size() || (length && *length != *value)) {
                return ends(outcome::invalid);
            }
            length = value;
        }
    }
    const auto body_size = length.value_or(0);
    if (bytes.size() - body_start < body_size) return ends(outcome::incomplete);
    out.body = bytes.substr(body_start, body_size);
    out.length = body_start + body_size;
    return out;
}

}  // namespace marconi::fuzz
