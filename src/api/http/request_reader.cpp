// Marconi.
#include "api/http/request_reader.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/url/parse.hpp>
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "api/codec/error_mapping.hpp"
#include "storage/contract/error.hpp"

namespace marconi::api {

namespace beast = boost::beast;
namespace http = beast::http;

namespace {

using header_type = beast_request::header_type;

response bad_request(std::string description) {
    return error_response(core::error(core::errc::invalid_request, std::move(description)));
}

bool is_tchar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view text) {
    if (text.empty()) return false;
    for (char c : text) {
        if (!is_tchar(c)) return false;
    }
    return true;
}

std::string_view trim_ows(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

/// One element of a Transfer-Encoding list: the coding's name and whether parameters follow.
struct transfer_coding {
    std::string_view name;
    bool has_parameters = false;
};

/// The codings of every Transfer-Encoding field line, in order (RFC 9110 section 5.3: several
/// lines are one comma-separated list; empty elements are ignored). Nothing when an element's
/// name is not a token.
std::optional<std::vector<transfer_coding>> transfer_codings(const header_type& header) {
    std::vector<transfer_coding> codings;
    const auto [first, last] = header.equal_range(http::field::transfer_encoding);
    for (auto field = first; field != last; ++field) {
        std::string_view rest = field->value();
        for (;;) {
            const auto comma = rest.find(',');
            const auto element = trim_ows(rest.substr(0, comma));
            if (!element.empty()) {
                const auto semicolon = element.find(';');
                const auto name = trim_ows(element.substr(0, semicolon));
                if (!is_token(name)) return std::nullopt;
                codings.push_back({name, semicolon != std::string_view::npos});
            }
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
    return codings;
}

/// RFC 9112 sections 6.1, 6.3 and 7: a request body is framed by Content-Length, or by the
/// chunked coding applied last and once. Codings before it would need decoding that Marconi
/// does not implement (501); anything else leaves the body's length unknown (400).
std::optional<response> transfer_encoding_refusal(const header_type& header,
                                                  bool chunked_by_parser) {
    if (header.find(http::field::transfer_encoding) == header.end()) return std::nullopt;
    if (header.version() < 11) {
        return bad_request("Transfer-Encoding is not allowed in an HTTP/1.0 request.");
    }
    if (header.find(http::field::content_length) != header.end()) {
        return bad_request("A request must not carry both Content-Length and Transfer-Encoding.");
    }
    const auto codings = transfer_codings(header);
    if (!codings || codings->empty()) return bad_request("The Transfer-Encoding is malformed.");
    const auto is_chunked = [](const transfer_coding& c) {
        return beast::iequals(c.name, "chunked");
    };
    const auto& last = codings->back();
    if (!is_chunked(last) || last.has_parameters) {
        return bad_request("The final transfer coding of a request must be chunked.");
    }
    for (std::size_t i = 0; i + 1 < codings->size(); ++i) {
        if (is_chunked((*codings)[i])) {
            return bad_request("The chunked coding is applied more than once.");
        }
    }
    if (codings->size() > 1) {
        return error_response({501, "Not implemented",
                               "The transfer coding '" + std::string(codings->front().name) +
                                   "' is not implemented."});
    }
    // Beast decides the framing on its own reading of the field; both must agree.
    if (!chunked_by_parser) return bad_request("The Transfer-Encoding is malformed.");
    return std::nullopt;
}

/// RFC 9112 section 3.2: exactly one Host in HTTP/1.1 (at most one in 1.0), and a valid one.
std::optional<response> host_refusal(const header_type& header) {
    const auto hosts = header.count(http::field::host);
    if (hosts > 1) return bad_request("A request must not carry more than one Host.");
    if (hosts == 0) {
        if (header.version() >= 11) return bad_request("An HTTP/1.1 request must carry a Host.");
        return std::nullopt;
    }
    // Debian's Boost.URL 1.81 measures its argument with strlen: parse a NUL-terminated copy.
    const std::string host{header[http::field::host]};
    if (host.empty()) return std::nullopt;  // allowed when the target has no authority
    const auto authority = boost::urls::parse_authority(host);
    if (!authority || authority->has_userinfo()) return bad_request("The Host is malformed.");
    return std::nullopt;
}

/// True if the request line in `unparsed` is well formed up to an HTTP-version of the form
/// HTTP/<digit>.<digit> that is neither 1.0 nor 1.1 (RFC 9112 section 2.3).
bool names_other_http_version(std::string_view unparsed) {
    const auto eol = unparsed.find("\r\n");
    if (eol == std::string_view::npos) return false;
    const auto line = unparsed.substr(0, eol);
    const auto space = line.rfind(' ');
    if (space == std::string_view::npos || line.find(' ') == space) return false;
    const auto version = line.substr(space + 1);
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    return version.size() == 8 && version.starts_with("HTTP/") && digit(version[5]) &&
           version[6] == '.' && digit(version[7]) && version != "HTTP/1.0" && version != "HTTP/1.1";
}

}  // namespace

request_reader::request_reader(std::size_t header_limit, std::size_t body_limit)
    : body_limit_(body_limit) {
    parser_.header_limit(static_cast<std::uint32_t>(header_limit));
    parser_.body_limit(body_limit);
    // Beast takes any byte but CR and LF inside a quoted chunk extension, NUL included. RFC
    // 9112's chunk-ext grammar allows no control character there but HTAB; refusing them keeps
    // a proxy that reads the line differently from ending the chunk somewhere else. Beast keeps
    // a reference to the callback, so it is one object for every parser.
    static auto refuse_controls = [](std::uint64_t, std::string_view extensions,
                                     beast::error_code& ec) {
        const auto control = [](unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; };
        if (std::any_of(extensions.begin(), extensions.end(), control)) {
            ec = http::error::bad_chunk_extension;
        }
    };
    parser_.on_chunk_header(refuse_controls);
}

beast::error_code request_reader::parse(beast::flat_buffer& buffer, bool header_only) {
    // The parser is not eager: a put() returns at the end of the header, so the header's
    // framing is always checked before a byte of the body is taken.
    beast::error_code ec;
    while (buffer.size() > 0 && !(header_only ? parser_.is_header_done() : parser_.is_done())) {
        const auto used = parser_.put(buffer.data(), ec);
        buffer.consume(used);
        if (ec == http::error::need_more) return {};
        if (ec || used == 0) break;
    }
    return ec;
}

beast::error_code request_reader::parse_header(beast::flat_buffer& buffer) {
    return parse(buffer, /*header_only=*/true);
}

beast::error_code request_reader::parse_body(beast::flat_buffer& buffer) {
    return parse(buffer, /*header_only=*/false);
}

std::optional<response> request_reader::refusal() {
    const auto& header = parser_.get().base();
    if (auto refused = host_refusal(header)) return refused;
    if (auto refused = transfer_encoding_refusal(header, parser_.chunked())) return refused;
    if (parser_.chunked()) header_section_ = header;
    return std::nullopt;
}

std::optional<response> request_reader::answer_to(beast::error_code ec,
                                                  std::string_view unparsed) const {
    if (ec.category() != make_error_code(http::error::bad_field).category()) {
        return std::nullopt;  // the connection failed, closed or timed out: no one to answer
    }
    switch (static_cast<http::error>(ec.value())) {
        case http::error::end_of_stream:    // closed between requests
        case http::error::partial_message:  // closed in the middle of one
            return std::nullopt;
        case http::error::header_limit:
            return error_response(
                transport_error(transport_errc::headers_too_large, "Headers are too large."));
        case http::error::body_limit:
            return bad_request("Request body is too large: the limit is " +
                               std::to_string(body_limit_) + " bytes.");
        case http::error::bad_version:
            if (names_other_http_version(unparsed)) {
                return error_response(
                    {505, "HTTP version not supported", "Only HTTP/1.0 and HTTP/1.1 are served."});
            }
            return bad_request("The request line is malformed.");
        case http::error::bad_content_length:
        case http::error::multiple_content_length:
            return bad_request("The Content-Length is malformed or conflicts with the framing.");
        case http::error::bad_transfer_encoding:
            return bad_request("The Transfer-Encoding is malformed or conflicts with the framing.");
        case http::error::bad_chunk:
        case http::error::bad_chunk_extension: return bad_request("The chunked body is malformed.");
        default: return bad_request("The request is malformed: " + ec.message() + ".");
    }
}

beast_request request_reader::release() {
    auto request = parser_.release();
    if (header_section_) request.base() = std::move(*header_section_);
    return request;
}

std::string_view unparsed_text(const beast::flat_buffer& buffer) {
    const auto data = buffer.data();
    return {static_cast<const char*>(data.data()), data.size()};
}

}  // namespace marconi::api
