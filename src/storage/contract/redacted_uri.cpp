// Marconi. Password redaction for storage URIs.
#include "storage/contract/redacted_uri.hpp"

namespace marconi::storage {

std::string redacted_uri(std::string_view uri) {
    std::string out{uri};
    const auto scheme_end = out.find("://");
    if (scheme_end == std::string::npos) return out;
    const auto authority = scheme_end + 3;
    const auto at = out.find('@', authority);
    const auto colon = out.find(':', authority);
    if (at != std::string::npos && colon != std::string::npos && colon < at &&
        out.find('/', authority) > at) {
        out.replace(colon + 1, at - colon - 1, "***");
    }
    const auto query = out.find('?');
    if (query == std::string::npos) return out;
    for (auto pos = out.find("password=", query); pos != std::string::npos;
         pos = out.find("password=", pos + 1)) {
        if (out[pos - 1] != '?' && out[pos - 1] != '&') continue;
        const auto value = pos + 9;
        const auto end = out.find('&', value);
        out.replace(value, (end == std::string::npos ? out.size() : end) - value, "***");
    }
    return out;
}

}  // namespace marconi::storage
