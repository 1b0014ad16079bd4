// Marconi.
#include "net/http_transport.hpp"

#include <algorithm>
#include <cctype>

namespace marconi::outbound {

std::optional<std::string_view> http_response::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (key.size() == name.size() &&
            std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) ==
                       std::tolower(static_cast<unsigned char>(b));
            })) {
            return std::string_view(value);
        }
    }
    return std::nullopt;
}

}  // namespace marconi::outbound
