// Marconi. JSON text must be UTF-8 (RFC 8259); client bytes echoed into a response may not be.
#pragma once

#include <string>
#include <string_view>

namespace marconi::api {

/// `text` with every byte sequence that is not well-formed UTF-8 (stray continuation bytes,
/// overlong forms, surrogates, code points past U+10FFFF, truncated sequences) replaced by
/// U+FFFD, one replacement per maximal ill-formed subpart as Unicode recommends.
std::string valid_utf8(std::string_view text);

}  // namespace marconi::api
