// Marconi. Reads one request off a connection under RFC 9112's message framing rules, on top
// of Beast's request parser. Shared by the listener and the HTTP fuzz target, so the fuzzer
// exercises the framing the server applies.
//
// Beast frames what it understands and leaves the rest to its user: a Transfer-Encoding whose
// final coding is not `chunked` gives a request without a body (the body would then be read
// as the next request: request smuggling), chunked trailer fields are merged into the header
// fields, and a request without Host is served. The reader adds the server's side of RFC 9112
// sections 3.2, 6 and 7, and turns every parse failure into the answer the client gets before
// the connection closes.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <optional>
#include <string_view>

#include "api/http/beast_adapter.hpp"
#include "api/http/message.hpp"

namespace marconi::api {

/// Not thread-safe; one per request, on the connection's executor. Use: parse_header() (and
/// an async_read_header on parser() while the header is incomplete), then refusal(), then
/// parse_body() (and an async_read while not done()), then release().
class request_reader {
public:
    using parser_type = boost::beast::http::request_parser<boost::beast::http::string_body>;

    request_reader(std::size_t header_limit, std::size_t body_limit);

    /// The parser, for Beast's async reads. They must only ever continue a phase: the header
    /// until it is done, then (after refusal() said nothing) the body.
    parser_type& parser() { return parser_; }

    /// Parses what `buffer` holds, up to the end of the header at most, consuming it.
    /// An incomplete header is not an error: read more and call again, or read on with
    /// async_read_header.
    boost::beast::error_code parse_header(boost::beast::flat_buffer& buffer);
    /// Parses what `buffer` holds of the body, consuming it; an incomplete body is not an error.
    boost::beast::error_code parse_body(boost::beast::flat_buffer& buffer);

    bool header_done() const { return parser_.is_header_done(); }
    bool done() const { return parser_.is_done(); }

    /// Once the header is done: the answer when its framing breaks the rules (400, 501 or
    /// 505; the connection must close after it), or nothing when the request may be read on.
    /// Remembers the header section of a chunked request, so that release() drops trailers.
    std::optional<response> refusal();

    /// The answer to a failed read (a parse error), or nothing when the connection simply
    /// ended or timed out. `unparsed` is what the parser did not consume: it tells an
    /// unsupported HTTP version (505) from a malformed request line (400).
    std::optional<response> answer_to(boost::beast::error_code ec, std::string_view unparsed) const;

    /// The whole request, with the header section as it was before any trailer fields (RFC
    /// 9110 section 6.5.1: trailers are never merged into the header). Call once, when done().
    beast_request release();

private:
    boost::beast::error_code parse(boost::beast::flat_buffer& buffer, bool header_only);

    parser_type parser_;
    std::size_t body_limit_;
    std::optional<beast_request::header_type> header_section_;  ///< chunked requests only
};

/// The bytes of `buffer` as text (for request_reader::answer_to).
std::string_view unparsed_text(const boost::beast::flat_buffer& buffer);

}  // namespace marconi::api
