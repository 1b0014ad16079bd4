// Marconi. The http_request fuzzer's differential oracle: a second, independent reading of
// RFC 9112's request framing (sections 2-7), written from the RFC and sharing no code with
// Beast or api::request_reader. It is strict where framing is decided (Content-Length,
// Transfer-Encoding, chunk sizes, line endings) and lenient about everything that cannot move
// a request's end (token characters, Host, chunk extension syntax): the oracle only ever asks
// "if the server framed a request, did it frame the same one?".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace marconi::fuzz {

struct framed_request {
    enum class outcome {
        framed,      ///< a whole request: the fields below are set
        incomplete,  ///< the bytes end before the request does
        invalid,     ///< the framing is broken: no server may serve it
        unsure,      ///< obs-fold: servers may unfold or refuse (RFC 9112 section 5.2)
    };
    outcome result = outcome::invalid;
    std::size_t length = 0;  ///< bytes the request takes, when framed
    std::string method;
    std::string target;
    unsigned version = 0;                                     ///< 10 or 11
    std::vector<std::pair<std::string, std::string>> fields;  ///< the header section only
    std::string body;                                         ///< decoded (chunked) or as sent
};

/// Frames the first request in `bytes`.
framed_request frame_request(std::string_view bytes);

}  // namespace marconi::fuzz
